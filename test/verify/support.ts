import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnyProbe, ProbeOutput } from '../../src/components/health.js';
import { HEALTH_CHECKS } from '../../src/components/health-checks.js';
import type { Inventory } from '../../src/inventory/index.js';
import { parseInventory } from '../../src/inventory/load.js';
import { DEBIAN_LAYOUT } from '../../src/render/layout.js';
import { desiredState } from '../../src/state/desired.js';
import type { ProbeExec } from '../../src/verify/index.js';

export const FIXTURES = join(import.meta.dirname, 'fixtures');
export const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

const SANDBOX = join(import.meta.dirname, 'fixtures/inventory.yaml');
/** The inventory of the sandbox the fixtures were captured on (its generated inventory.yaml). */
export const loadedSandbox = () => parseInventory(SANDBOX, readFileSync(SANDBOX, 'utf8'));
export const sandboxInventory = (): Inventory => loadedSandbox().inventory;
const EXAMPLE = join(import.meta.dirname, '../../inventories/sandbox.yaml');
/** inventories/sandbox.yaml (VIP 10.213.0.100), for tests that read no fixture. */
export const exampleInventory = (): Inventory =>
  parseInventory(EXAMPLE, readFileSync(EXAMPLE, 'utf8')).inventory;

/** Every probe the checks use, by id. */
export function allProbes(): Map<string, AnyProbe> {
  const m = new Map<string, AnyProbe>();
  for (const c of HEALTH_CHECKS) for (const p of c.probes) m.set(p.id, p);
  return m;
}

/** What a host answers to a probe: its stdout (exit 0), a full output, or an Error (unreachable). */
export type Answer = string | Partial<ProbeOutput> | Error;
export type Answers = Record<string, Record<string, Answer>>;

/**
 * A fake exec answering each probe's command from `answers[probeId][host]` (`*` for every host). A command no
 * probe of the checks sends, or one without an answer, fails the test.
 */
export function fakeExec(inv: Inventory, answers: Answers, calls: string[] = []): ProbeExec {
  const byCommand = new Map<string, string>();
  for (const p of allProbes().values()) byCommand.set(p.command(inv), p.id);
  return async (host, command) => {
    const id = byCommand.get(command);
    if (!id) throw new Error(`unexpected command on ${host}: ${command.slice(0, 80)}`);
    calls.push(`${id}@${host}`);
    const a = answers[id]?.[host] ?? answers[id]?.['*'];
    if (a === undefined) throw new Error(`no answer for ${id} on ${host}`);
    if (a instanceof Error) throw a;
    const now = Date.now();
    if (typeof a === 'string')
      return { stdout: a, stderr: '', exitCode: 0, startedAt: now, endedAt: now + 5 };
    return { stdout: '', stderr: '', exitCode: 0, startedAt: now, endedAt: now + 5, ...a };
  };
}

/** The desired CIB of the sandbox inventory (it holds no secret: masked and revealed are the same). */
export function desiredFile(host: string, id: string): string | undefined {
  const loaded = loadedSandbox();
  const node = loaded.inventory.nodes.find((n) => n.name === host);
  if (!node) return undefined;
  return desiredState(loaded, node, { layout: DEBIAN_LAYOUT, secrets: 'mask' }).files.find((f) => f.id === id)
    ?.content;
}

/** Answers of the healthy sandbox cluster, captured on it (fixtures/healthy). */
export function healthyAnswers(): Answers {
  const f = (n: string) => fixture(`healthy/${n}`);
  const nodes = ['node1', 'node2', 'node3'];
  const each = (name: (n: string) => string) => Object.fromEntries(nodes.map((n) => [n, f(name(n))]));
  return {
    'corosync-quorumtool': each((n) => `quorumtool-${n}.txt`),
    'corosync-cfgtool': each((n) => `cfgtool-${n}.txt`),
    'corosync-cmapctl': each((n) => `cmapctl-${n}.txt`),
    crm_mon: each(() => 'crm_mon.xml'),
    cibadmin: { '*': f('cib.xml') },
    crm_verify: { '*': f('crm_verify.txt') },
    stonith_admin: { '*': f('stonith_admin.txt') },
    'ip-addr': each((n) => `ip-addr-${n}.txt`),
    'galera-state': each((n) => `galera-state-${n}.txt`),
    'haproxy-stat': each(() => 'show-stat.csv'),
    time: each(() => 'time.txt'),
  };
}
