import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseInventory } from '../../../src/inventory/load.js';
import { MASK } from '../../../src/render/types.js';
import { renderNodeFiles } from '../../../src/state/render-files.js';
import { validateFiles } from '../../../src/validate/run.js';

/** keepalived.conf of every node of `text`, by node. */
function confs(text: string) {
  const loaded = parseInventory('inline.yaml', text);
  const files = renderNodeFiles(loaded, { secrets: 'mask' }).filter((f) => f.kind === 'keepalived');
  return { loaded, files, byNode: Object.fromEntries(files.map((f) => [f.node, f.content])) };
}

const example = readFileSync('inventories/sandbox-keepalived.yaml', 'utf8');

/** Two instances on two subnets: node1/node2 share 10.9.0.0/24 (link 1), node2/node3 10.9.1.0/24 (link 0 of node3). */
const twoNetworks = `
cluster: { name: t }
nodes:
  - { name: node1, links: [10.9.1.1, 10.9.0.1], roles: [keepalived] }
  - { name: node2, links: [10.9.1.2, 10.9.0.2], roles: [keepalived] }
  - { name: node3, links: [10.9.1.3, 10.9.2.3], roles: [keepalived] }
pacemaker: { properties: { stonith-enabled: false } }
keepalived:
  instances:
    - name: VI_A
      interface: eth1
      vrid: 7
      advert_int: 3
      nopreempt: true
      auth_pass: env:KA_TEST_PASS
      members: [{ node: node1, priority: 200 }, { node: node2, priority: 100 }]
      track_scripts:
        - { name: chk_a, script: '/bin/sh -c "test -e /run/ok"', interval: 4, weight: 10, fall: 5, rise: 6 }
      vips: [10.9.0.50/24, 10.9.0.51/24]
    - name: VI_B
      interface: eth0
      vrid: 7
      unicast: false
      members: [{ node: node2, priority: 120 }, { node: node3, priority: 110 }]
      notify: /usr/bin/logger -t "ka b"
      vips: [10.9.1.50/24]
`;

describe('keepalived.conf from the inventory', () => {
  it('the sandbox example: unicast between the members, track script, notify, VIP; priorities per node', () => {
    const { byNode } = confs(example);
    expect(Object.keys(byNode)).toEqual(['node1', 'node2', 'node3']);
    expect(byNode.node1).toContain(
      [
        'vrrp_script chk_haproxy {',
        '    script "/usr/bin/pgrep -x haproxy"',
        '    interval 1',
        '    weight -60',
        '    fall 2',
        '    rise 2',
        '}',
      ].join('\n'),
    );
    expect(byNode.node3).toContain(
      [
        'vrrp_instance VI_LB {',
        '    state BACKUP',
        '    interface eth0',
        '    virtual_router_id 51',
        '    priority 90',
        '    advert_int 1',
        '    unicast_src_ip 10.213.239.13',
        '    unicast_peer {',
        '        10.213.239.11',
        '        10.213.239.12',
        '    }',
        '    track_script {',
        '        chk_haproxy',
        '    }',
        '    notify "/usr/bin/logger -t keepalived-notify"',
        '    virtual_ipaddress {',
        '        10.213.239.100/24',
        '    }',
        '}',
      ].join('\n'),
    );
    expect(byNode.node1).toMatch(/router_id node1\n[\s\S]*priority 150\n/);
    expect(byNode.node1).not.toMatch(/nopreempt|authentication/);
  });

  it("every field: each node's instances only, its interface address in the VIPs' subnet, multicast, nopreempt, auth (masked), quoting", async () => {
    const { loaded, files, byNode } = confs(twoNetworks);
    expect(byNode.node1).not.toContain('VI_B');
    expect(byNode.node3).not.toContain('VI_A');
    // node1 and node2 speak on their 10.9.0.0/24 addresses (link 1), not link 0.
    expect(byNode.node1).toContain(
      '    unicast_src_ip 10.9.0.1\n    unicast_peer {\n        10.9.0.2\n    }\n',
    );
    expect(byNode.node2).toContain(
      '    unicast_src_ip 10.9.0.2\n    unicast_peer {\n        10.9.0.1\n    }\n',
    );
    expect(byNode.node1).toContain(
      [
        '    interface eth1',
        '    virtual_router_id 7',
        '    priority 200',
        '    advert_int 3',
        '    nopreempt',
      ].join('\n'),
    );
    expect(byNode.node1).toContain(
      `    authentication {\n        auth_type PASS\n        auth_pass ${MASK}\n    }\n`,
    );
    expect(byNode.node1).toContain(
      '    script "/bin/sh -c \\"test -e /run/ok\\""\n    interval 4\n    weight 10\n    fall 5\n    rise 6\n',
    );
    expect(byNode.node1).toContain('        10.9.0.50/24\n        10.9.0.51/24\n');
    // VI_B is multicast: no unicast block at all; its notify command keeps its quotes.
    const b = byNode.node3!;
    expect(b).toContain('    interface eth0\n    virtual_router_id 7\n    priority 110\n    advert_int 1\n');
    expect(b).not.toMatch(/unicast|nopreempt|track_script|vrrp_script/);
    expect(b).toContain('    notify "/usr/bin/logger -t \\"ka b\\""\n');
    // node2 runs both instances (one VRID on two networks) and keepalived itself accepts every file.
    expect(byNode.node2).toMatch(/vrrp_instance VI_A[\s\S]*vrrp_instance VI_B/);
    expect(files.find((f) => f.node === 'node1')!.mode).toBe(0o600); // auth_pass is a secret
    expect(files.find((f) => f.node === 'node3')!.mode).toBe(0o644);
    const results = await validateFiles(files, loaded.inventory);
    expect(results.map((r) => `${r.node} ${r.validator} ${r.status} ${r.message ?? ''}`.trim())).toEqual([
      'node1 keepalived -t passed',
      'node2 keepalived -t passed',
      'node3 keepalived -t passed',
    ]);
  });
});
