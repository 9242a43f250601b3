import { describe, expect, it } from 'vitest';
import { desiredFirewall } from '../../../src/components/host-prep/firewall-needs.js';
import { COMPONENTS, type ComponentContext } from '../../../src/components/index.js';
import type { Inventory } from '../../../src/components/inventory-schema.js';
import { loadInventory } from '../../../src/inventory/load.js';
import { DEBIAN_LAYOUT, type Layout, RHEL_LAYOUT } from '../../../src/render/layout.js';
import { desiredState } from '../../../src/state/desired.js';
import { inventory } from '../support/inventory.js';

/** The firewall part of a node's desired state, computed from the components as `desiredState` does. */
function firewallOf(inv: Inventory, name: string, layout: Layout = DEBIAN_LAYOUT) {
  const node = inv.nodes.find((n) => n.name === name);
  if (!node) throw new Error(`no node ${name}`);
  const ctx: ComponentContext = { loaded: { secretBytes: () => Buffer.alloc(0) }, inv, node, layout };
  return desiredFirewall(
    ctx,
    COMPONENTS.flatMap((c) => c.firewall?.(ctx) ?? []),
  );
}

const cluster = (from: string, proto: 'tcp' | 'udp', ports: number[]) => ({
  proto,
  ports,
  from,
  comment: 'hakit cluster',
});

describe('the host firewall rules of a node (desired state)', () => {
  it('sandbox node1: SSH first, the HAProxy frontend from anyone, Galera/clustercheck/corosync from each peer only; ufw on Debian', async () => {
    const loaded = await loadInventory('inventories/sandbox.yaml');
    const node = loaded.inventory.nodes[0]!;
    const st = desiredState(loaded, node, { layout: DEBIAN_LAYOUT, secrets: 'mask' });
    expect(st.firewall).toEqual({
      mode: 'manage',
      rules: [
        { proto: 'tcp', ports: [22], from: null, comment: 'hakit ssh' },
        { proto: 'tcp', ports: [3307], from: null, comment: 'hakit haproxy mysql' },
        cluster('10.213.0.12', 'tcp', [3306, 4444, 4567, 4568, 9200]),
        cluster('10.213.0.12', 'udp', [4567, 5405]),
        cluster('10.213.0.13', 'tcp', [3306, 4444, 4567, 4568, 9200]),
        cluster('10.213.0.13', 'udp', [4567, 5405]),
      ],
      packages: ['ufw'],
    });
    expect(st.packages).toContain('ufw');
    // RHEL-like hosts: firewalld is never installed by hakit (missing → the op stops).
    expect(desiredState(loaded, node, { layout: RHEL_LAYOUT, secrets: 'mask' }).firewall.packages).toEqual(
      [],
    );
  });

  it('per link ports, a non-loopback stats page, DRBD from its members, VRRP from the keepalived peers, garbd, the SSH port', () => {
    const inv = inventory({
      cluster: {
        name: 't',
        links: [
          { number: 0, mcastport: 5405 },
          { number: 1, mcastport: 5407 },
        ],
      },
      defaults: { ssh: { port: 2222 } },
      nodes: [
        {
          name: 'n1',
          links: ['10.0.0.1', '10.1.0.1'],
          roles: ['pacemaker', 'haproxy', 'galera', 'drbd', 'keepalived'],
        },
        {
          name: 'n2',
          links: ['10.0.0.2', '10.1.0.2'],
          roles: ['pacemaker', 'haproxy', 'galera', 'drbd', 'keepalived'],
        },
        { name: 'n3', links: ['10.0.0.3', '10.1.0.3'], roles: ['pacemaker', 'garbd'], ssh: { port: 22 } },
      ],
      haproxy: {
        stats: { bind: '0.0.0.0:8404' },
        frontends: [{ name: 'web', bind: ['*:80', '*:443'], mode: 'http', default_backend: 'app' }],
        backends: [{ name: 'app', mode: 'http', servers: [{ name: 'n1', node: 'n1', port: 8080 }] }],
      },
      galera: { cluster_name: 'g', members: ['n1', 'n2'], garbd: { node: 'n3' } },
      drbd: {
        resources: [
          {
            name: 'r0',
            device: '/dev/drbd0',
            disk: '/dev/vdb',
            port: 7790,
            members: ['n1', { node: 'n2', address: '10.2.0.2' }],
          },
        ],
      },
      keepalived: {
        instances: [
          {
            name: 'vi',
            interface: 'eth0',
            vrid: 51,
            members: [
              { node: 'n1', priority: 150 },
              { node: 'n2', priority: 100 },
            ],
            vips: ['10.0.0.50/24'],
          },
        ],
      },
    });
    const n1 = firewallOf(inv, 'n1');
    expect(n1.rules[0]).toEqual({ proto: 'tcp', ports: [2222], from: null, comment: 'hakit ssh' });
    expect(
      n1.rules.filter((r) => r.from === null).map((r) => `${r.ports[0]}/${r.proto} ${r.comment}`),
    ).toEqual([
      '2222/tcp hakit ssh',
      '80/tcp hakit haproxy web',
      '443/tcp hakit haproxy web',
      '8404/tcp hakit haproxy stats',
    ]);
    const of = (from: string) =>
      n1.rules.filter((r) => r.from === from).map((r) => `${r.proto} ${r.ports.join(',')}`);
    // Link 0 and link 1 each from the peers' address on that link; Galera from every other node's addresses.
    expect(of('10.0.0.2')).toEqual(['tcp 3306,4444,4567,4568,9200', 'udp 4567,5405', 'vrrp ']);
    expect(of('10.1.0.2')).toEqual(['tcp 3306,4444,4567,4568,9200', 'udp 4567,5407', 'vrrp ']);
    expect(of('10.0.0.3')).toEqual(['tcp 3306,4444,4567,4568,9200', 'udp 4567,5405']);
    expect(of('10.1.0.3')).toEqual(['tcp 3306,4444,4567,4568,9200', 'udp 4567,5407']);
    // DRBD's replication address of n2.
    expect(of('10.2.0.2')).toEqual(['tcp 7790']);
    // garbd's node: its own SSH port, group communication from the others, corosync; no HAProxy, no MariaDB.
    const n3 = firewallOf(inv, 'n3');
    expect(n3.rules[0]?.ports).toEqual([22]);
    expect(
      n3.rules.filter((r) => r.from === '10.0.0.1').map((r) => `${r.proto} ${r.ports.join(',')}`),
    ).toEqual(['tcp 4567', 'udp 5405']);
  });

  it('a loopback stats page is not opened; leave and disabled need no package', () => {
    const inv = inventory({
      host_prep: { firewall: 'leave' },
      nodes: [
        { name: 'n1', links: ['10.0.0.1'], roles: ['pacemaker', 'haproxy'] },
        { name: 'n2', links: ['10.0.0.2'], roles: ['pacemaker', 'haproxy'] },
        { name: 'n3', links: ['10.0.0.3'] },
      ],
      haproxy: {
        stats: { bind: '127.0.0.1:8404' },
        frontends: [{ name: 'web', bind: ['10.0.0.100:80'], mode: 'http', default_backend: 'app' }],
        backends: [{ name: 'app', mode: 'http', servers: [{ name: 'n1', node: 'n1', port: 8080 }] }],
      },
    });
    const fw = firewallOf(inv, 'n1');
    expect(fw.mode).toBe('leave');
    expect(fw.packages).toEqual([]);
    expect(fw.rules.filter((r) => r.from === null).map((r) => r.ports[0])).toEqual([22, 80]);
  });
});
