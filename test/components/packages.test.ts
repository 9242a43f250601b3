import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/inventory/load.js';
import { DEBIAN_LAYOUT, RHEL_LAYOUT } from '../../src/render/layout.js';
import { desiredState } from '../../src/state/desired.js';

/** `state.packages` (what playbooks/packages.yaml installs) for a typical node: pacemaker + haproxy + galera (server, provider, rsync for SST). */
async function packagesOf(layout: typeof DEBIAN_LAYOUT): Promise<string[]> {
  const loaded = await loadInventory('inventories/sandbox.yaml');
  const node = loaded.inventory.nodes.find((n) => n.name === 'node1');
  if (!node) throw new Error('inventories/sandbox.yaml has no node1');
  return desiredState(loaded, node, { layout, secrets: 'mask' }).packages;
}

describe('the packages of a cluster node, per package family', () => {
  it('dnf (RHEL-like): RHEL package names; the CLI tools are pacemaker-cli, every fence agent fence-agents-all', async () => {
    expect(await packagesOf(RHEL_LAYOUT)).toEqual([
      'corosync',
      'pacemaker',
      'pacemaker-cli',
      'resource-agents',
      'fence-agents-all',
      'haproxy',
      'mariadb-server-galera',
      'galera',
      'rsync',
      'chrony',
      // semanage, for the SELinux port labels of HAProxy and Galera (host_prep.selinux is enforcing)
      'policycoreutils-python-utils',
    ]);
  });

  it('apt (Debian): pacemaker-cli-utils and fence-agents; ufw (host_prep.firewall: manage)', async () => {
    expect(await packagesOf(DEBIAN_LAYOUT)).toEqual([
      'corosync',
      'pacemaker',
      'pacemaker-cli-utils',
      'resource-agents',
      'fence-agents',
      'haproxy',
      'mariadb-server',
      'galera-4',
      'rsync',
      'chrony',
      'ufw',
    ]);
  });
});
