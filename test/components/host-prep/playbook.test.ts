import { describe, expect, it } from 'vitest';
import { sshTrustArgs } from '../../../src/components/host-prep/ssh-trust-op.js';
import { registryOps } from '../../../src/executor/registries.js';
import { loadInventory } from '../../../src/inventory/load.js';
import { loadPlaybook } from '../../../src/playbook/load.js';

describe('playbooks/prepare.yaml: firewall and SSH trust', () => {
  it('the firewall comes first (nothing else changes a host before it), then root SSH trust, tagged', async () => {
    const site = await loadPlaybook('playbooks/site.yaml', registryOps);
    const first = site.plays[0]!;
    expect(first.name).toBe('Prepare hosts');
    const ops = first.tasks.map((t) => t.op);
    // Only the read-only container detection runs before them.
    expect(ops.slice(0, 5)).toEqual(['command', 'package', 'firewall', 'ssh_root_key', 'ssh_trust']);
    expect(first.tasks[1]!.args).toEqual({ name: '{{ state.firewall.packages }}' });
    expect(String(first.tasks[2]!.when)).toMatch(/host_prep\.firewall != 'leave'/);
    for (const t of first.tasks.slice(1, 3)) expect(t.tags).toContain('firewall');
    for (const t of first.tasks.slice(3, 5)) {
      expect(t.tags).toContain('ssh_trust');
      expect(t.when).toEqual(['host_prep.ssh_trust']);
    }
  });

  it("ssh_trust gets the inventory's nodes, links included (the sandbox's, parsed by its argument schema)", async () => {
    const site = await loadPlaybook('playbooks/site.yaml', registryOps);
    const task = site.plays[0]!.tasks.find((t) => t.op === 'ssh_trust')!;
    expect(task.args).toEqual({ node: '{{ host }}', nodes: '{{ inventory.nodes }}' });
    const loaded = await loadInventory('inventories/sandbox.yaml');
    const a = sshTrustArgs.parse({ node: 'node1', nodes: loaded.inventory.nodes });
    expect(a.nodes.map((n) => n.links)).toEqual([['10.213.0.11'], ['10.213.0.12'], ['10.213.0.13']]);
  });
});
