import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Connector } from '../../src/connect/types.js';
import type { HakitEvent } from '../../src/events/types.js';
import { runPlaybook } from '../../src/executor/engine.js';
import { runPreview } from '../../src/executor/preview.js';
import { SecretMasker } from '../../src/model/index.js';
import { factKey, type Operation } from '../../src/ops/types.js';
import { parsePlaybook } from '../../src/playbook/load.js';
import { catalog, cmdOp, kvOp, type MemoryConnector, memoryRun, World } from './support/memory.js';

/**
 * `predicted_kv: {key, value, preview}`: a kv write whose plan previews with the command `preview`, the value
 * going in on stdin (as pacemaker_cib sends the CIB to crm_simulate). The rendering accepts only `value=…`.
 */
const predictedKv: Operation<{ key: string; value: string; preview: string }> = {
  name: 'predicted_kv',
  args: z.strictObject({ key: z.string(), value: z.string(), preview: z.string() }),
  facts: ({ key }) => [{ fact: 'kv', args: { key } }],
  plan({ key, value, preview }, facts) {
    if (facts.get(factKey({ fact: 'kv', args: { key } })) === value) return { steps: [] };
    return {
      steps: [{ kind: 'exec', command: `set ${key} ${value}` }],
      preview: {
        title: 'memory simulate',
        command: preview,
        stdin: `value=${value}`,
        render(stdout) {
          if (!stdout.startsWith('value=')) throw new Error(`not a prediction: ${stdout.trim()}`);
          return `would set ${key} to ${stdout.slice(6)}`;
        },
      },
    };
  },
};
const ops = catalog([kvOp, cmdOp, predictedKv] as Operation<unknown>[]);

type HostEv = Extract<HakitEvent, { type: 'task.host' }>;
const hostEvent = (events: HakitEvent[], host = 'n1') => {
  const e = events.find((x): x is HostEv => x.type === 'task.host' && x.host === host);
  if (!e) throw new Error(`no task.host event for ${host} in:\n${JSON.stringify(events, null, 1)}`);
  return e;
};
const play = (args: string) =>
  parsePlaybook('/virtual/p.yaml', `- hosts: n1\n  tasks:\n    - {name: t, predicted_kv: ${args}}\n`, ops);

async function run(args: string, extra: Parameters<typeof memoryRun>[2] = {}, world = new World()) {
  const { opts, events } = memoryRun(world, play(args), { ops, ...extra });
  const result = await runPlaybook(opts);
  return { world, events, result, e: hostEvent(events) };
}

describe('plan preview (executor)', () => {
  it('check mode runs only the preview command; the event carries its rendered text and the task is changed', async () => {
    const { world, e, result } = await run('{key: a, value: "42", preview: cat}', { check: true });
    expect(world.steps().map((l) => l.command)).toEqual(['cat']);
    expect(world.host('n1').files.size).toBe(0);
    expect(e.status).toBe('changed');
    expect(e.plan).toEqual(['set a 42']);
    expect(e.preview).toEqual({ title: 'memory simulate', text: 'would set a to 42' });
    expect(result.exitCode).toBe(0);
  });

  it('a failing preview shows "prediction unavailable" with its stderr; the task is still changed, the run ok', async () => {
    const { e, result } = await run('{key: a, value: "42", preview: "fail no CIB schema here"}', {
      check: true,
    });
    expect(e.status, JSON.stringify(e)).toBe('changed');
    expect(e.preview?.unavailable).toBe(true);
    expect(e.preview?.text).toBe(
      'prediction unavailable: fail no CIB schema here exited 1: no CIB schema here',
    );
    expect(result.exitCode).toBe(0);
    expect(result.recap.n1).toMatchObject({ changed: 1, failed: 0 });
  });

  it('output the rendering does not understand is an unavailable prediction too', async () => {
    const { e } = await run('{key: a, value: "42", preview: "echo Segmentation fault"}', { check: true });
    expect(e.status).toBe('changed');
    expect(e.preview).toEqual({
      title: 'memory simulate',
      text: 'prediction unavailable: echo Segmentation fault: not a prediction: Segmentation fault',
      unavailable: true,
    });
  });

  it('a secret registered in the masker is masked in the prediction and in its failure reason', async () => {
    const secret = 'Fence-S3cret-99';
    const ok = await run(`{key: a, value: "${secret}", preview: cat}`, {
      check: true,
      masker: masked(secret),
    });
    expect(ok.e.preview?.text).toBe('would set a to ********');
    const failed = await run(`{key: a, value: "x", preview: "fail bad password ${secret}"}`, {
      check: true,
      masker: masked(secret),
    });
    expect(failed.e.preview?.text).toContain('bad password ********');
    for (const r of [ok, failed]) expect(JSON.stringify(r.events)).not.toContain(secret);
  });

  it('an unchanged host (empty plan) never previews, in check mode neither', async () => {
    const world = new World();
    world.host('n1').files.set('a', '42');
    const { e } = await run('{key: a, value: "42", preview: cat}', { check: true, showDiff: true }, world);
    expect(world.steps()).toEqual([]);
    expect(e.status).toBe('ok');
    expect(e.preview).toBeUndefined();
  });

  it('a real run previews only when diffs are shown, and then before the first step', async () => {
    const plain = await run('{key: a, value: "1", preview: cat}');
    expect(plain.world.steps().map((l) => l.command)).toEqual(['set a 1']);
    expect(plain.e.preview).toBeUndefined();

    const diff = await run('{key: a, value: "1", preview: cat}', { showDiff: true });
    expect(diff.world.steps().map((l) => l.command)).toEqual(['cat', 'set a 1']);
    expect(diff.e.preview?.text).toBe('would set a to 1');
    expect(diff.world.host('n1').files.get('a')).toBe('1');

    // A failing preview does not stop the real change either.
    const failing = await run('{key: a, value: "2", preview: "fail nope"}', { showDiff: true });
    expect(failing.e.status).toBe('changed');
    expect(failing.e.preview?.unavailable).toBe(true);
    expect(failing.world.host('n1').files.get('a')).toBe('2');
  });
});

describe('runPreview', () => {
  it('a killed command (timeout) and a thrown exec are unavailable predictions; display replaces the command', async () => {
    const world = new World();
    const base = world.host('n1');
    await base.connect();
    const timedOut = {
      ...connectorLike(base),
      exec: async () => ({ exitCode: null, signal: 'TIMEOUT', stdout: '', stderr: '', durationMs: 60_000 }),
    };
    const p = {
      title: 't',
      command: 'crm_simulate --xml-pipe --run',
      display: 'simulate',
      render: () => 'x',
    };
    expect(await runPreview(p, { connector: timedOut })).toEqual({
      title: 't',
      text: 'prediction unavailable: simulate was killed (TIMEOUT)',
      unavailable: true,
    });
    const throwing = {
      ...connectorLike(base),
      exec: async () => Promise.reject(new Error('channel closed')),
    };
    expect((await runPreview(p, { connector: throwing })).text).toBe(
      'prediction unavailable: simulate: channel closed',
    );
  });

  it('passes stdin, become and the timeout to the connector; keeps only the last stderr lines', async () => {
    const seen: unknown[] = [];
    const base = new World().host('n1');
    const conn = {
      ...connectorLike(base),
      exec: async (command: string, o: unknown) => {
        seen.push({ command, o });
        return { exitCode: 2, stdout: '', stderr: 'a\nb\n\nc\nd\n', durationMs: 1 };
      },
    };
    const p = { title: 't', command: 'sim', stdin: 'CIB', timeoutMs: 5000, render: () => 'x' };
    const out = await runPreview(p, { connector: conn, become: true });
    expect(seen).toEqual([{ command: 'sim', o: { stdin: 'CIB', become: true, timeoutMs: 5000 } }]);
    expect(out.text).toBe('prediction unavailable: sim exited 2: … b\nc\nd');
  });
});

/** A plain object with the connector's methods (so a test can override one). */
function connectorLike(c: MemoryConnector): Connector {
  return {
    host: c.host,
    connect: () => c.connect(),
    exec: (cmd, o) => c.exec(cmd, o),
    putFile: (p, d) => c.putFile(p, d),
    getFile: (p) => c.getFile(p),
    close: () => c.close(),
  };
}

function masked(secret: string): SecretMasker {
  const m = new SecretMasker();
  m.add(secret);
  return m;
}
