import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runPlaybook } from '../../src/executor/engine.js';
import { factKey, type Operation } from '../../src/ops/types.js';
import { parsePlaybook } from '../../src/playbook/load.js';
import { catalog, cmdOp, kvOp, memoryRun, World } from './support/memory.js';

/**
 * `tally: {key}` reads the fact `kv:{key}` on EVERY host (FactRequest.host) and writes what it saw into the key
 * `seen` of its own host: the shape of a cluster decision (e.g. which Galera member bootstraps).
 */
const HOSTS = ['n1', 'n2', 'n3'];
const tallyOp: Operation<{ key: string }> = {
  name: 'tally',
  args: z.strictObject({ key: z.string() }),
  facts: ({ key }) => HOSTS.map((host) => ({ fact: 'kv', args: { key }, host })),
  plan({ key }, facts) {
    const seen = HOSTS.map((host) => {
      const k = factKey({ fact: 'kv', args: { key }, host });
      return `${host}=${facts.has(k) ? String(facts.get(k)) : 'unknown'}`;
    }).join(',');
    return { steps: [{ kind: 'exec', command: `set seen ${seen}` }] };
  },
};

const pb = (yaml: string) =>
  parsePlaybook('/virtual/site.yaml', yaml, catalog([kvOp, cmdOp, tallyOp] as Operation<unknown>[]));

describe('facts of other hosts (FactRequest.host)', () => {
  it('every host sees every member’s value, gathered on that member', async () => {
    const world = new World();
    for (const h of HOSTS) world.host(h).files.set('role', `${h}-role`);
    const { opts } = memoryRun(
      world,
      pb('- name: p\n  hosts: all\n  tasks:\n    - name: t\n      tally: {key: role}\n'),
      { ops: catalog([kvOp, cmdOp, tallyOp] as Operation<unknown>[]) },
    );
    const r = await runPlaybook(opts);
    expect(r.exitCode).toBe(0);
    for (const h of HOSTS) expect(world.host(h).files.get('seen')).toBe('n1=n1-role,n2=n2-role,n3=n3-role');
    // Each host's value was read by a gather on that host, never on another one.
    const gathers = world.log.filter((l) => l.phase === 'start' && l.command.startsWith('facts '));
    for (const g of gathers) {
      const reqs = JSON.parse(g.command.slice(6)) as { host?: string }[];
      expect(
        reqs.every((q) => q.host === undefined),
        g.command,
      ).toBe(true);
    }
  });

  it('a host outside the run (--limit) or unreachable leaves its value absent; the others still run', async () => {
    const world = new World();
    for (const h of HOSTS) world.host(h).files.set('role', `${h}-role`);
    const { opts } = memoryRun(
      world,
      pb('- name: p\n  hosts: all\n  tasks:\n    - name: t\n      tally: {key: role}\n'),
      { ops: catalog([kvOp, cmdOp, tallyOp] as Operation<unknown>[]), limit: ['n1', 'n2'] },
    );
    const r = await runPlaybook(opts);
    expect(r.exitCode).toBe(0);
    expect(world.host('n1').files.get('seen')).toBe('n1=n1-role,n2=n2-role,n3=unknown');
    expect(world.host('n3').files.get('seen')).toBeUndefined();
  });
});
