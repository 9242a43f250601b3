import { describe, expect, it } from 'vitest';
import { registryOps } from '../../../src/executor/registries.js';
import { hostUniverse } from '../../../src/executor/ssh-targets.js';
import { loadInventory } from '../../../src/inventory/load.js';
import { resolveHosts } from '../../../src/playbook/hosts.js';
import { loadPlaybook } from '../../../src/playbook/load.js';

describe('playbooks/drbd.yaml in site.yaml', () => {
  it('runs after haproxy and before pacemaker (whose CIB holds the ocf:linbit:drbd clone), tagged drbd', async () => {
    const site = await loadPlaybook('playbooks/site.yaml', registryOps);
    const names = site.plays.map((p) => p.name);
    const drbd = names.indexOf('DRBD resources');
    expect(drbd).toBeGreaterThan(names.indexOf('HAProxy'));
    expect(drbd).toBeLessThan(names.indexOf('Pacemaker'));
    const play = site.plays[drbd]!;
    expect(play.hosts).toEqual(['role:drbd']);
    expect(play.tasks.map((t) => t.op)).toEqual(['config_file', 'drbd_init', 'drbd_initial_primary']);
    for (const t of play.tasks) expect(t.tags).toContain('drbd');
    expect(play.tasks[0]!.loop).toBe('{{ state.drbd_files }}');
  });

  it('matches no host of the sandbox inventory (no DRBD: no round trip, no task) and the members of production', async () => {
    const sandbox = await loadInventory('inventories/sandbox.yaml');
    expect(resolveHosts(['role:drbd'], hostUniverse(sandbox))).toEqual([]);
    const prod = await loadInventory('inventories/production.example.yaml');
    expect(resolveHosts(['role:drbd'], hostUniverse(prod))).toEqual(['fs1', 'fs2']);
  });
});
