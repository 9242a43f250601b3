import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalConnector } from '../../src/connect/index.js';
import { EventBus, type HakitEvent } from '../../src/events/types.js';
import { runPlaybook } from '../../src/executor/engine.js';
import { notifyMarkerKey } from '../../src/executor/notify-markers.js';
import { registryFacts, registryOps } from '../../src/executor/registries.js';
import type { RunOptions } from '../../src/executor/types.js';
import { SecretMasker } from '../../src/model/index.js';
import { parsePlaybook } from '../../src/playbook/load.js';
import { templates } from './support/memory.js';

/**
 * Durable notifications, with real shell commands on this machine (a LocalConnector; marker directory and
 * "config file" in a temp directory): a run that stops between a change and its handler leaves the
 * notification recorded, and the next run delivers it although the change itself is already in place.
 */
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hakit-notify-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const playbook = (d: string) =>
  parsePlaybook(
    '/virtual/site.yaml',
    `
- name: service
  hosts: all
  tasks:
    - name: config
      copy: { dest: ${d}/app.conf, content: "v1\\n" }
      notify: reload app
    - name: later
      command: { argv: ["true"] }
  handlers:
    - name: reload app
      shell: { cmd: "echo reloaded >> ${d}/reloads" }
`,
    registryOps,
  );

interface Run {
  code: number;
  events: HakitEvent[];
}

async function run(
  d: string,
  opts: { stopAfter?: string; check?: boolean; markers?: string | false } = {},
): Promise<Run> {
  const events: HakitEvent[] = [];
  const bus = new EventBus();
  const ac = new AbortController();
  bus.on((e) => {
    events.push(e);
    // Ctrl-C right after the change landed, before the handler: no new work starts.
    if (e.type === 'task.host' && e.task === opts.stopAfter) ac.abort();
  });
  const o: RunOptions = {
    playbook: playbook(d),
    hosts: { nodes: [{ name: 'local', address: '127.0.0.1', roles: [], attributes: {} }], groups: {} },
    connector: () => new LocalConnector('local'),
    ops: registryOps,
    facts: registryFacts,
    templates,
    events: bus,
    masker: new SecretMasker(),
    signal: ac.signal,
    notifyMarkerDir: opts.markers ?? join(d, 'notify'),
    ...(opts.check ? { check: true } : {}),
  };
  const r = await runPlaybook(o);
  return { code: r.exitCode, events };
}

const reloads = async (d: string) =>
  (await readFile(join(d, 'reloads'), 'utf8').catch(() => '')).split('\n').filter(Boolean).length;
const markers = async (d: string) => readdir(join(d, 'notify')).catch(() => [] as string[]);
const status = (r: Run, task: string) =>
  r.events.find((e) => e.type === 'task.host' && e.task === task)?.['status' as never];

describe('durable notifications', () => {
  it('a run stopped between a change and its handler: the next run runs the handler, then forgets it', async () => {
    const stopped = await run(dir, { stopAfter: 'config' });
    expect(stopped.code).toBe(130);
    expect(await readFile(join(dir, 'app.conf'), 'utf8')).toBe('v1\n');
    expect(await reloads(dir)).toBe(0);
    expect(await markers(dir)).toEqual([notifyMarkerKey('service', 'reload app')]);

    // --check says the handler would run, and runs nothing.
    const check = await run(dir, { check: true });
    expect(check.code).toBe(0);
    expect(status(check, 'config')).toBe('ok');
    expect(status(check, 'reload app')).toBe('changed');
    expect(await reloads(dir)).toBe(0);
    expect(await markers(dir)).toHaveLength(1);

    const next = await run(dir);
    expect(next.code).toBe(0);
    expect(status(next, 'config')).toBe('ok'); // the change was already in place
    expect(status(next, 'reload app')).toBe('changed');
    expect(next.events.some((e) => e.type === 'log' && /pending from an earlier run/.test(e.message))).toBe(
      true,
    );
    expect(await reloads(dir)).toBe(1);
    expect(await markers(dir)).toEqual([]);

    const third = await run(dir);
    expect(third.code).toBe(0);
    expect(status(third, 'reload app')).toBeUndefined();
    expect(await reloads(dir)).toBe(1);
  });

  it('an uninterrupted run leaves no marker behind and runs the handler once', async () => {
    const r = await run(dir);
    expect(r.code).toBe(0);
    expect(status(r, 'reload app')).toBe('changed');
    expect(await reloads(dir)).toBe(1);
    expect(await markers(dir)).toEqual([]);
  });

  it('without markers (notifyMarkerDir: false) the stopped run loses the notification, as Ansible does', async () => {
    expect((await run(dir, { stopAfter: 'config', markers: false })).code).toBe(130);
    const next = await run(dir, { markers: false });
    expect(status(next, 'reload app')).toBeUndefined();
    expect(await reloads(dir)).toBe(0);
  });
});
