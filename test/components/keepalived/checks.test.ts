import { describe, expect, it } from 'vitest';
import { keepalivedChecks } from '../../../src/components/keepalived/checks.js';
import { findings, inventory } from '../support/inventory.js';

/** n1–n3 on 10.0.0.0/24 with the keepalived role; n4 on 10.0.1.0/24. */
const nodes = [
  { name: 'n1', links: ['10.0.0.1'], roles: ['pacemaker', 'keepalived'] },
  { name: 'n2', links: ['10.0.0.2'], roles: ['pacemaker', 'keepalived'] },
  { name: 'n3', links: ['10.0.0.3'], roles: ['pacemaker', 'keepalived'] },
  { name: 'n4', links: ['10.0.1.4'], roles: ['keepalived'] },
];

const vi1 = {
  name: 'vi_1',
  interface: 'eth0',
  vrid: 51,
  members: [
    { node: 'n1', priority: 150 },
    { node: 'n2', priority: 100 },
  ],
  vips: ['10.0.0.100/24'],
};
const vi4 = { ...vi1, name: 'vi_4', members: [{ node: 'n4', priority: 100 }], vips: ['10.0.1.100/24'] };
const vi3 = {
  ...vi1,
  name: 'vi_3',
  vrid: 53,
  members: [{ node: 'n3', priority: 100 }],
  vips: ['10.0.0.103/24'],
};

const check = (instances: unknown[], ns: unknown[] = nodes) =>
  findings(keepalivedChecks, inventory({ nodes: ns, keepalived: { instances } }));

describe('keepalived checks', () => {
  it('accepts instances whose VIPs every member interface subnet holds; one VRID on two networks', () => {
    expect(check([vi1, vi3, vi4])).toEqual([]);
  });

  it('rejects a VRID used twice on one network (overlapping VIP subnets), unknown members, a VIP that is a node address; warns on equal priorities', () => {
    const vi2 = {
      ...vi1,
      name: 'vi_2',
      members: [
        { node: 'n3', priority: 100 },
        { node: 'n5', priority: 100 },
      ],
      vips: ['10.0.0.2/25'],
    };
    expect(check([vi1, vi2, vi3, vi4])).toEqual([
      'error keepalived.instances.1.members.1.node: node "n5" is not a node of this inventory (nodes: n1, n2, n3, n4)',
      'warning keepalived.instances.1.members: members share a priority: the master is chosen by address',
      'error keepalived.instances.1.vips.0: VIP 10.0.0.2 is a node address',
      'error keepalived.instances.1.vrid: VRID 51 is also used by instances[0] (vi_1) on 10.0.0.0/24: each VRRP instance on one network needs its own VRID',
    ]);
  });

  it('rejects a VRID used twice on one node interface even with VIPs in different subnets', () => {
    const other = { ...vi4, members: [{ node: 'n1', priority: 100 }], vips: ['10.0.1.100/24'] };
    const ns = [{ ...nodes[0], links: ['10.0.0.1', '10.0.1.1'] }, ...nodes.slice(1)];
    expect(check([vi1, other, vi3, { ...vi4, vrid: 54 }], ns)).toEqual([
      "error keepalived.instances.1.vrid: VRID 51 is also used by instances[0] (vi_1) on n1's eth0: each VRRP instance on one network needs its own VRID",
    ]);
  });

  it("rejects a VIP outside a member's interface subnet, though another member could carry it", () => {
    const both = { ...vi1, members: [...vi1.members, { node: 'n4', priority: 90 }] };
    expect(check([both, vi3])).toEqual([
      "error keepalived.instances.0.vips.0: VIP 10.0.0.100/24 is outside the subnet of n4's interface eth0: no address of n4 is in 10.0.0.0/24",
    ]);
  });

  it('rejects a member without the keepalived role and a keepalived node that is in no instance', () => {
    const ns = [{ ...nodes[0], roles: ['pacemaker'] }, ...nodes.slice(1)];
    expect(check([vi1], ns)).toEqual([
      'error nodes.2.roles: n3 has the keepalived role but is a member of no keepalived instance: it would get no keepalived.conf',
      'error nodes.3.roles: n4 has the keepalived role but is a member of no keepalived instance: it would get no keepalived.conf',
      'error keepalived.instances.0.members.0.node: n1 is a member of vi_1 but lacks the keepalived role (hakit bootstrap applies keepalived on role:keepalived)',
    ]);
    expect(
      findings(
        keepalivedChecks,
        inventory({ nodes: [{ name: 'n1', links: ['10.0.0.1'], roles: ['keepalived'] }] }),
      ),
    ).toEqual([
      'error nodes.0.roles: n1 has the keepalived role but is a member of no keepalived instance: it would get no keepalived.conf',
    ]);
  });

  it('rejects one track script name with two definitions', () => {
    const chk = { name: 'chk_lb', script: '/usr/bin/pgrep -x haproxy' };
    const a = { ...vi1, track_scripts: [chk] };
    const b = { ...vi3, track_scripts: [{ ...chk, weight: -60 }] };
    const c = { ...vi4, track_scripts: [chk] };
    expect(check([a, b, c])).toEqual([
      'error keepalived.instances.1.track_scripts.0.name: track script "chk_lb" is defined differently in instances[0].track_scripts[0]: one name, one vrrp_script',
    ]);
  });

  it('warns on pidof as a track script or notify command (Debian: a link to killall5, which keepalived runs as such)', () => {
    const a = {
      ...vi1,
      track_scripts: [{ name: 'chk', script: 'pidof haproxy' }],
      notify: '/usr/bin/pidof x',
    };
    expect(check([a, vi3, vi4])).toEqual([
      'warning keepalived.instances.0.notify: keepalived runs the target of a symlink, and on Debian-like hosts pidof is a link to killall5: this check never succeeds there; use `/usr/bin/pgrep -x NAME`',
      'warning keepalived.instances.0.track_scripts.0.script: keepalived runs the target of a symlink, and on Debian-like hosts pidof is a link to killall5: this check never succeeds there; use `/usr/bin/pgrep -x NAME`',
    ]);
  });
});
