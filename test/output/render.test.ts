import { describe, expect, it } from 'vitest';
import type { HakitEvent } from '../../src/events/types.js';
import { runPlaybook } from '../../src/executor/engine.js';
import {
  createRenderer,
  JsonRenderer,
  PlainRenderer,
  TtyRenderer,
  type Writable,
} from '../../src/output/index.js';
import { parsePlaybook } from '../../src/playbook/load.js';
import { catalog, memoryRun, World } from '../executor/support/memory.js';

function sink(isTTY = false) {
  let text = '';
  return {
    out: { isTTY, write: (s: string) => (text += s) },
    text: () => text,
  };
}

const ANSI = /\x1b\[/;

/** A real run over in-memory hosts: one change, one skip, one failure with stderr. */
async function events(): Promise<HakitEvent[]> {
  const world = new World();
  const pb = parsePlaybook(
    '/virtual/p.yaml',
    `
- name: demo
  hosts: all
  tasks:
    - {name: write, kv: {key: a, value: "1"}}
    - {name: only n1, cmd: {run: "echo hi"}, when: "host == 'n1'"}
    - {name: break n2, cmd: {run: "fail no space left on device"}, when: "host == 'n2'"}
`,
    catalog(),
  );
  const { opts, events } = memoryRun(world, pb, {
    showDiff: true,
    diff: (d) => `--- ${d.path}\n+++ ${d.path}\n-${d.before ?? ''}\n+${d.after}\n`,
  });
  await runPlaybook(opts);
  return events;
}

describe('renderers', () => {
  it('plain: timestamped lines, diffs, and a recap with the failing command, exit code and stderr', async () => {
    const s = sink();
    const r = new PlainRenderer(s.out);
    for (const e of await events()) r.emit(e);
    await r.close();
    const text = s.text();
    expect(text).not.toMatch(ANSI);
    expect(text).toMatch(/^\d\d:\d\d:\d\d\.\d{3} RUN \/virtual\/p\.yaml on n1, n2, n3$/m);
    expect(text).toMatch(/^\d\d:\d\d:\d\d\.\d{3} TASK \[write\]$/m);
    expect(text).toMatch(/^\d\d:\d\d:\d\d\.\d{3} {3}n2: skipped condition false/m);
    expect(text).toContain('+++ a');
    const recap = text.slice(text.indexOf('FAILURES'));
    expect(recap).toContain('n2: task "break n2"');
    expect(recap).toContain('command: fail no space left on device');
    expect(recap).toContain('exit code: 1');
    expect(recap).toContain('no space left on device');
    expect(recap).toMatch(
      /RECAP \(\d+ ms\)\n {2}n1 +ok=2 {2}changed=2 {2}failed=0 {2}skipped=1 {2}unreachable=0/,
    );
    expect(recap).toMatch(/n2 +ok=1 {2}changed=1 {2}failed=1 {2}skipped=1/);
  });

  it('json: one parseable event per line, ending with run.end and its recap', async () => {
    const s = sink();
    const r = new JsonRenderer(s.out);
    const evs = await events();
    for (const e of evs) r.emit(e);
    const lines = s.text().trim().split('\n');
    expect(lines).toHaveLength(evs.length);
    const parsed = lines.map((l) => JSON.parse(l) as HakitEvent);
    expect(parsed).toEqual(evs);
    expect(parsed.at(-1)).toMatchObject({ type: 'run.end', exitCode: 4, recap: { n2: { failed: 1 } } });
  });

  it('createRenderer: json/plain by flag, plain without a TTY, listr2 on a TTY; NO_COLOR honoured', async () => {
    expect(createRenderer('json', sink().out, {})).toBeInstanceOf(JsonRenderer);
    expect(createRenderer(undefined, sink(false).out, {})).toBeInstanceOf(PlainRenderer);
    expect(createRenderer('tty', sink(false).out, {})).toBeInstanceOf(PlainRenderer);
    expect(createRenderer(undefined, sink(true).out, {})).toBeInstanceOf(TtyRenderer);
    expect(createRenderer('plain', sink(true).out, {})).toBeInstanceOf(PlainRenderer);

    const colored = sink(true);
    const r1 = createRenderer('plain', colored.out, {});
    for (const e of await events()) r1.emit(e);
    expect(colored.text()).toMatch(ANSI);

    const plainTty = sink(true);
    const r2 = createRenderer('plain', plainTty.out, { NO_COLOR: '1' });
    for (const e of await events()) r2.emit(e);
    expect(plainTty.text()).not.toMatch(ANSI);
    expect(plainTty.text()).toContain('RECAP');
  });

  it('tty: renders every task group and then the recap (with the failure) once closed', async () => {
    const s = sink(true);
    const r = new TtyRenderer(s.out, false);
    for (const e of await events()) r.emit(e);
    await r.close();
    const text = s.text();
    expect(text).toContain('PLAY [demo]');
    expect(text).toContain('FAILURES');
    expect(text).toContain('no space left on device');
    expect(text.indexOf('RECAP')).toBeGreaterThan(text.indexOf('PLAY [demo]'));
  });
});

describe('renderers: a prediction (plan preview)', () => {
  const at = Date.UTC(2026, 0, 1);
  const run = (preview: { title: string; text: string; unavailable?: boolean }): HakitEvent[] => [
    { type: 'run.start', at, playbook: '/virtual/p.yaml', hosts: ['n1'], check: true },
    { type: 'play.start', at, play: 'cluster', hosts: ['n1'] },
    { type: 'task.start', at, play: 'cluster', task: 'apply the CIB', hosts: ['n1'] },
    {
      type: 'task.host',
      at,
      task: 'apply the CIB',
      host: 'n1',
      status: 'changed',
      durationMs: 5,
      diff: '--- cib:configuration\n+++ cib:configuration\n+<primitive id="canary"/>\n',
      preview,
      plan: ['crm_diff (live → desired) | cibadmin --patch'],
    },
    { type: 'task.end', at, task: 'apply the CIB' },
    { type: 'play.end', at, play: 'cluster' },
    {
      type: 'run.end',
      at,
      durationMs: 9,
      exitCode: 0,
      recap: { n1: { ok: 1, changed: 1, failed: 0, skipped: 0, unreachable: 0 } },
    },
  ];
  const predicted = { title: 'crm_simulate on the live status', text: 'would start canary on node1' };
  const unavailable = {
    title: 'crm_simulate on the live status',
    text: 'prediction unavailable: crm_simulate --xml-pipe --run exited 78: Relax-NG validity error',
    unavailable: true,
  };

  it('plain and tty print it under the diff, with its title; an unavailable one says why', async () => {
    for (const make of [(o: Writable) => new PlainRenderer(o), (o: Writable) => new TtyRenderer(o, false)]) {
      for (const p of [predicted, unavailable]) {
        const s = sink();
        const r = make(s.out);
        for (const e of run(p)) r.emit(e);
        await r.close();
        const text = s.text();
        const heading = text.indexOf('predicted (crm_simulate on the live status):');
        expect(heading, text).toBeGreaterThan(text.indexOf('+<primitive id="canary"/>'));
        expect(text.slice(heading), text).toMatch(new RegExp(`:\\n +${literal(p.text)}\\n`));
      }
    }
  });

  it('json lines carry it as a field of the host event', () => {
    const s = sink();
    const r = new JsonRenderer(s.out);
    for (const e of run(unavailable)) r.emit(e);
    const host = s
      .text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as HakitEvent)
      .find((e) => e.type === 'task.host');
    expect(host).toMatchObject({ preview: unavailable });
  });
});

function literal(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
