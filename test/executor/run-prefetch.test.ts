import { describe, expect, it } from 'vitest';
import { runPlaybook } from '../../src/executor/engine.js';
import type { FactSource } from '../../src/executor/fact-cache.js';
import type { FactRequest } from '../../src/ops/types.js';
import { parsePlaybook } from '../../src/playbook/load.js';
import { catalog, memoryFacts, memoryRun, World } from './support/memory.js';

/**
 * The facts of every play are gathered in one round trip per host before the first play (a no-op rerun of a
 * multi-play playbook asks each host once), except live facts (read only by their own task, after the tasks
 * before it) and the facts of a run_once task on the hosts that do not run it.
 */

/** `kv` facts of keys starting with `live` stand for live cluster state (the CIB). */
const facts: FactSource = {
  ...memoryFacts,
  live: (r) => r.fact === 'kv' && String((r.args as { key: string }).key).startsWith('live'),
};

const YAML = `
- name: one
  hosts: all
  tasks:
    - {name: a, kv: {key: a, value: "{{ host }}"}}
- name: two
  hosts: all
  tasks:
    - {name: b, kv: {key: b, value: "1"}}
    - {name: c, kv: {key: c, value: "1"}, run_once: true}
- name: three
  hosts: back
  tasks:
    - {name: live, kv: {key: livecib, value: "1"}, run_once: true}
    - {name: d, kv: {key: d, value: "1"}}
`;

function pb(yaml: string) {
  return parsePlaybook('/virtual/site.yaml', yaml, catalog());
}

/** Per host, the fact requests of each gather, in order. */
function gathers(world: World): Record<string, FactRequest[][]> {
  const out: Record<string, FactRequest[][]> = {};
  for (const l of world.log)
    if (l.phase === 'start' && l.command.startsWith('facts '))
      (out[l.host] ??= []).push(JSON.parse(l.command.slice(6)) as FactRequest[]);
  return out;
}
const keys = (reqs: FactRequest[]) => reqs.map((r) => (r.args as { key: string }).key);

describe('run-wide fact prefetch', () => {
  it('a no-op rerun gathers once per host; live facts only when their task runs; run_once facts on one host', async () => {
    const world = new World();
    expect((await runPlaybook(memoryRun(world, pb(YAML), { facts }).opts)).exitCode).toBe(0);
    world.log.length = 0;

    const r = await runPlaybook(memoryRun(world, pb(YAML), { facts }).opts);
    expect(Object.values(r.recap).map((x) => x.changed)).toEqual([0, 0, 0]);
    const g = gathers(world);
    // n1 is not in play three (hosts: back = n2, n3): everything of plays one and two, c because it runs c.
    expect(g.n1?.map(keys)).toEqual([['a', 'b', 'c']]);
    // n2 runs the run_once tasks of play three (first of back); the live fact comes with its own task only.
    expect(g.n2?.map(keys)).toEqual([['a', 'b', 'd'], ['livecib']]);
    expect(g.n3?.map(keys)).toEqual([['a', 'b', 'd']]);
  });

  it('a fact gathered early is gathered again after a change that may have made it stale', async () => {
    const world = new World();
    const yaml = `
- name: one
  hosts: all
  tasks:
    - {name: opaque change, cmd: {run: "set b 1"}}
- name: two
  hosts: all
  tasks:
    - {name: b, kv: {key: b, value: "1"}}
`;
    const { opts, events } = memoryRun(world, pb(yaml), { facts });
    const r = await runPlaybook(opts);
    expect(r.exitCode).toBe(0);
    // The run-wide prefetch read b before the command set it; play two read it again and found it in place.
    const b = events.filter((e) => e.type === 'task.host' && e.task === 'b');
    expect(b.map((e) => (e as { status: string }).status)).toEqual(['ok', 'ok', 'ok']);
    expect(gathers(world).n1?.map(keys)).toEqual([['b'], ['b']]);
  });

  it('tasks not selected by --tags are not prefetched', async () => {
    const world = new World();
    const yaml = `
- hosts: all
  tasks:
    - {name: a, kv: {key: a, value: "1"}, tags: [x]}
    - {name: b, kv: {key: b, value: "1"}, tags: [y]}
`;
    await runPlaybook(memoryRun(world, pb(yaml), { facts, tags: ['y'] }).opts);
    expect(gathers(world).n1?.map(keys)).toEqual([['b']]);
  });
});
