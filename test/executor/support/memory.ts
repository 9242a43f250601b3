import Handlebars from 'handlebars';
import { z } from 'zod';
import type { Connector, ExecOptions, ExecResult } from '../../../src/connect/types.js';
import { UnreachableError } from '../../../src/errors/index.js';
import { EventBus, type HakitEvent } from '../../../src/events/types.js';
import type { FactSource } from '../../../src/executor/fact-cache.js';
import type { RunOptions } from '../../../src/executor/types.js';
import { SecretMasker } from '../../../src/model/index.js';
import { type FactRequest, factKey, type Operation } from '../../../src/ops/types.js';
import type { HostUniverse } from '../../../src/playbook/hosts.js';
import type { OpCatalog } from '../../../src/playbook/load.js';
import type { TemplateEnv } from '../../../src/playbook/template.js';

/**
 * An in-memory host for engine-logic unit tests: a key/value store standing in for files, and a tiny command
 * language (`set K V`, `fail MSG`, `echo X`, `cat` (stdin to stdout), `facts JSON`). Every exec is logged with a
 * global sequence number so tests can check ordering without timing.
 */
export interface ExecLog {
  seq: number;
  phase: 'start' | 'end';
  host: string;
  command: string;
  become?: boolean;
}

export class World {
  seq = 0;
  readonly log: ExecLog[] = [];
  readonly hosts = new Map<string, MemoryConnector>();

  host(name: string): MemoryConnector {
    let c = this.hosts.get(name);
    if (!c) {
      c = new MemoryConnector(name, this);
      this.hosts.set(name, c);
    }
    return c;
  }

  /** Step commands (not fact gathering) in log order. */
  steps(phase: 'start' | 'end' = 'start'): ExecLog[] {
    return this.log.filter((l) => l.phase === phase && !l.command.startsWith('facts '));
  }
}

export class MemoryConnector implements Connector {
  readonly files = new Map<string, string>();
  unreachable = false;
  connected = false;
  /** Resolves exec calls out of order: each exec waits this many microtask/macrotask turns. */
  delayTurns = 0;

  constructor(
    readonly host: string,
    private readonly world: World,
  ) {}

  async connect(): Promise<void> {
    if (this.unreachable) throw new UnreachableError(this.host, 'connect ECONNREFUSED (test)');
    this.connected = true;
  }

  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    if (!this.connected) throw new Error(`${this.host}: exec before connect`);
    this.world.log.push({
      seq: this.world.seq++,
      phase: 'start',
      host: this.host,
      command,
      ...(opts.become !== undefined ? { become: opts.become } : {}),
    });
    for (let i = 0; i < this.delayTurns; i++) await new Promise((r) => setImmediate(r));
    const res = this.run(command, opts);
    this.world.log.push({ seq: this.world.seq++, phase: 'end', host: this.host, command });
    return res;
  }

  private run(command: string, opts: ExecOptions): ExecResult {
    const ok = (stdout = ''): ExecResult => ({ exitCode: 0, stdout, stderr: '', durationMs: 1 });
    if (command.startsWith('facts ')) {
      const reqs = JSON.parse(command.slice(6)) as FactRequest[];
      const out: Record<string, unknown> = {};
      for (const r of reqs) {
        if (r.fact === 'kv') out[factKey(r)] = this.files.get((r.args as { key: string }).key) ?? null;
        else if (r.fact === 'hostinfo')
          out[factKey(r)] = { name: this.host, family: this.host.endsWith('3') ? 'rhel' : 'debian' };
        else if (r.fact === 'broken') return { exitCode: 2, stdout: '', stderr: 'fact broke', durationMs: 1 };
      }
      return ok(JSON.stringify(out));
    }
    const [verb, ...rest] = command.split(' ');
    if (verb === 'set') {
      const [k, ...v] = rest;
      this.files.set(k as string, v.join(' ') + (opts.stdin ? String(opts.stdin) : ''));
      return ok();
    }
    if (verb === 'fail') return { exitCode: 1, stdout: '', stderr: rest.join(' '), durationMs: 1 };
    if (verb === 'echo') return ok(`${rest.join(' ')}\n`);
    if (verb === 'cat') return ok(opts.stdin === undefined ? '' : String(opts.stdin));
    if (verb === 'count') {
      const k = rest[0] as string;
      this.files.set(k, String(Number(this.files.get(k) ?? '0') + 1));
      return ok();
    }
    return { exitCode: 127, stdout: '', stderr: `${verb}: not found`, durationMs: 1 };
  }

  async putFile(path: string, data: string | Buffer): Promise<void> {
    this.files.set(path, String(data));
  }

  async getFile(path: string): Promise<Buffer | null> {
    const v = this.files.get(path);
    return v === undefined ? null : Buffer.from(v);
  }

  async close(): Promise<void> {
    this.connected = false;
  }
}

export const memoryFacts: FactSource = {
  command: (reqs) => `facts ${JSON.stringify(reqs)}`,
  parse: (reqs, stdout) => {
    const obj = JSON.parse(stdout) as Record<string, unknown>;
    return new Map(reqs.map((r) => [factKey(r), obj[factKey(r)]]));
  },
  needsBecome: () => false,
};

/** `kv: {key, value}`: idempotent "file" write. */
export const kvOp: Operation<{ key: string; value: string }> = {
  name: 'kv',
  args: z.strictObject({ key: z.string().min(1), value: z.string() }),
  facts: ({ key }) => [{ fact: 'kv', args: { key } }],
  plan({ key, value }, facts) {
    const cur = facts.get(factKey({ fact: 'kv', args: { key } })) as string | null;
    if (cur === value) return { steps: [] };
    return {
      steps: [{ kind: 'exec', command: `set ${key} ${value}` }],
      summary: `set ${key}`,
      diffs: [{ path: key, before: cur, after: value }],
    };
  },
};

/** `cmd: {run, display?}`: always runs. */
export const cmdOp: Operation<{ run: string; display?: string; stdin?: string }> = {
  name: 'cmd',
  args: z.strictObject({
    run: z.string(),
    display: z.string().optional(),
    stdin: z.string().optional(),
    changed_when: z.union([z.string(), z.boolean()]).optional(),
    failed_when: z.union([z.string(), z.boolean()]).optional(),
  }),
  facts: () => [],
  plan: ({ run, display, stdin }) => ({
    steps: [{ kind: 'exec', command: run, ...(display ? { display } : {}), ...(stdin ? { stdin } : {}) }],
  }),
};

/** `secretfile: {key, content}`: a sensitive file write. */
export const secretFileOp: Operation<{ key: string; content: string }> = {
  name: 'secretfile',
  args: z.strictObject({ key: z.string(), content: z.string() }),
  facts: ({ key }) => [{ fact: 'kv', args: { key } }],
  plan({ key, content }, facts) {
    const cur = facts.get(factKey({ fact: 'kv', args: { key } })) as string | null;
    if (cur === content) return { steps: [] };
    return {
      steps: [{ kind: 'exec', command: `set ${key}`, stdin: content, display: `write ${key}` }],
      diffs: [{ path: key, before: cur, after: content, sensitive: true }],
    };
  },
};

export function catalog(
  ops: Operation<unknown>[] = [kvOp, cmdOp, secretFileOp] as Operation<unknown>[],
): OpCatalog {
  const m = new Map(ops.map((o) => [o.name, o]));
  return { get: (n) => m.get(n), names: () => [...m.keys()] };
}

export const templates: TemplateEnv = {
  compile: (src) => Handlebars.create().compile(src, { noEscape: true, strict: true }),
};

export function universe(n = 3): HostUniverse {
  const nodes = Array.from({ length: n }, (_, i) => ({
    name: `n${i + 1}`,
    address: `10.0.0.${i + 1}`,
    roles: i === 0 ? ['pacemaker', 'haproxy'] : ['pacemaker'],
    attributes: {},
  }));
  return { nodes, groups: { front: ['n1'], back: nodes.slice(1).map((x) => x.name) } };
}

/** Run options over a World; returns the collected events too. */
export function memoryRun(
  world: World,
  playbook: RunOptions['playbook'],
  extra: Partial<RunOptions> = {},
): { opts: RunOptions; events: HakitEvent[] } {
  const events: HakitEvent[] = [];
  const bus = new EventBus();
  bus.on((e) => events.push(e));
  const opts: RunOptions = {
    playbook,
    hosts: universe(),
    connector: (h) => world.host(h),
    ops: catalog(),
    facts: memoryFacts,
    templates,
    events: bus,
    masker: new SecretMasker(),
    ...extra,
  };
  return { opts, events };
}
