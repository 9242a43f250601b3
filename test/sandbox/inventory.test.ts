import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseInventory } from '../../src/inventory/index.js';
import { inventoryObject, renderInventory } from '../../src/sandbox/inventory.js';
import { containerName, networkName, sandboxDir } from '../../src/sandbox/names.js';
import { planSubnet } from '../../src/sandbox/subnet.js';
import type { Sandbox } from '../../src/sandbox/types.js';

const ROOT = resolve(import.meta.dirname, '../..');

function fakeSandbox(name: string, subnet: string, count: number): Sandbox {
  const plan = planSubnet(subnet, count);
  const dir = sandboxDir(name, ROOT);
  return {
    name,
    nodes: plan.addresses.map((address, i) => ({
      name: `node${i + 1}`,
      address,
      containerId: `id${i}`,
      containerName: containerName(name, `node${i + 1}`),
    })),
    network: { name: networkName(name), subnet, gateway: plan.gateway },
    dir,
    keyPath: join(dir, 'id_ed25519'),
    knownHostsPath: join(dir, 'known_hosts'),
    inventoryPath: join(dir, 'inventory.yaml'),
    vip: plan.vip,
  };
}

/** Makes relative paths and `file:` secrets absolute, so inventories in different directories compare. */
function normalized(file: string, text: string) {
  const loaded = parseInventory(file, text);
  // biome-ignore lint/suspicious/noExplicitAny: a loose view of the parsed inventory, only to rewrite paths
  const inv = structuredClone(loaded.inventory) as Record<string, any>;
  const abs = (p: string) => loaded.path(p);
  const ssh = inv.defaults.ssh;
  ssh.key_file = abs(ssh.key_file);
  ssh.known_hosts = abs(ssh.known_hosts);
  for (const [obj, key] of [
    [inv.cluster, 'authkey'],
    [inv.cluster, 'hacluster_password'],
    [inv.galera, 'check_password'],
  ] as const) {
    obj[key] = `file:${abs(String(obj[key]).slice(5))}`;
  }
  return inv;
}

describe('generated sandbox inventory', () => {
  const sb = fakeSandbox('default', '10.213.0.0/24', 3);

  it('for the default sandbox means the same as inventories/sandbox.yaml (with the fencing endpoint)', async () => {
    const repoFile = join(ROOT, 'inventories/sandbox.yaml');
    const expected = normalized(repoFile, await readFile(repoFile, 'utf8'));
    const generated = normalized(sb.inventoryPath, renderInventory(sb, { ip: '10.213.0.2', port: 2376 }));
    // One deliberate difference: the fence method. Debian 12's fence_docker reports failure for `cycle`
    // (its reboot_cycle uses a deleted variable) although the restart happened; `onoff` works.
    expect(generated.pacemaker.fencing.devices[0].params.method).toBe('onoff');
    generated.pacemaker.fencing.devices[0].params.method =
      expected.pacemaker.fencing.devices[0].params.method;
    expect(generated).toEqual(expected);
  });

  it('without a fencing endpoint disables STONITH and declares no fence device, nothing else changes', () => {
    const withFence = normalized(sb.inventoryPath, renderInventory(sb, { ip: '10.213.0.2', port: 2376 }));
    const without = normalized(sb.inventoryPath, renderInventory(sb, null));
    expect(without.pacemaker.properties['stonith-enabled']).toBe(false);
    expect(without.pacemaker.fencing.devices).toEqual([]);
    without.pacemaker.properties['stonith-enabled'] = true;
    without.pacemaker.fencing = withFence.pacemaker.fencing;
    expect(without).toEqual(withFence);
  });

  it('for a named 5-node sandbox lists its nodes, VIP and container names, with paths beside the file', () => {
    const big = fakeSandbox('ha-lab', '10.213.42.0/24', 5);
    const text = renderInventory(big, { ip: '10.213.42.2', port: 2376 });
    const loaded = parseInventory(big.inventoryPath, text);
    const inv = loaded.inventory;
    expect(inv.nodes.map((n) => [n.name, n.links[0]])).toEqual(big.nodes.map((n) => [n.name, n.address]));
    expect(loaded.path(inv.defaults.ssh!.key_file!)).toBe(big.keyPath);
    expect(inv.pacemaker.resources[0]).toMatchObject({ type: 'ipaddr2', ip: '10.213.42.100' });
    expect(inv.pacemaker.fencing.devices[0]?.host_map).toEqual(
      Object.fromEntries(big.nodes.map((n) => [n.name, `hakit-ha-lab-${n.name}`])),
    );
    expect(inv.haproxy?.frontends[0]?.bind).toEqual(['10.213.42.100:3307']);
    expect(inv.cluster.name).toBe('hakit-ha-lab');
    expect(inventoryObject(big)).not.toHaveProperty('pacemaker.fencing');
  });
});
