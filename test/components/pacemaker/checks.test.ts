import { describe, expect, it } from 'vitest';
import { pacemakerChecks } from '../../../src/components/pacemaker/checks.js';
import { fenced, findings, inventory } from '../support/inventory.js';

const vip = { type: 'ipaddr2', id: 'vip', ip: '10.0.0.100' };
const web = { type: 'systemd', id: 'web', unit: 'nginx' };

describe('pacemaker checks', () => {
  it('accepts fenced members with a VIP, a group, a clone and constraints that name them', () => {
    const inv = inventory({
      pacemaker: fenced({
        resources: [vip, web],
        groups: [{ id: 'front', resources: ['vip'] }],
        clones: [{ resource: 'web' }],
        constraints: { colocation: [{ resource: 'front', with: 'web-clone' }] },
      }),
    });
    expect(findings(pacemakerChecks, inv)).toEqual([]);
  });

  it('warns when STONITH is off, and rejects STONITH on without a device', () => {
    const off = inventory({ pacemaker: { properties: { 'stonith-enabled': false } } });
    expect(findings(pacemakerChecks, off)).toEqual([
      'warning pacemaker.properties.stonith-enabled: STONITH is disabled by this inventory: a hung node can corrupt shared data',
    ]);
    expect(findings(pacemakerChecks, inventory({ pacemaker: {} }))).toEqual([
      'error pacemaker.fencing.devices: stonith-enabled is true but no fencing device is defined (define one, or set stonith-enabled: false explicitly)',
    ]);
  });

  it('names unknown or mistyped ids, with a suggestion', () => {
    const inv = inventory({
      pacemaker: fenced({
        resources: [vip, web],
        groups: [{ id: 'front', resources: ['vpi', 'fence-all'] }],
        constraints: { order: [{ first: 'web', then: 'web' }], location: [{ resource: 'web' }] },
      }),
    });
    expect(findings(pacemakerChecks, inv)).toEqual([
      'error pacemaker.groups.0.resources.0: unknown resource "vpi" — did you mean "vip"?',
      'error pacemaker.groups.0.resources.1: "fence-all" is a stonith; expected a primitive',
      'error pacemaker.constraints.location.0: a location constraint needs `node` or `rule`',
      'error pacemaker.constraints.order.0.then: a resource cannot be ordered after itself',
    ]);
  });

  it('rejects a VIP outside every node subnet and warns on a member no device can fence', () => {
    const inv = inventory({
      pacemaker: {
        resources: [{ ...vip, ip: '198.51.100.5' }],
        fencing: { devices: [{ id: 'f', agent: 'fence_dummy', fences: ['n1', 'n2', 'n4'] }] },
      },
    });
    expect(findings(pacemakerChecks, inv)).toEqual([
      'error pacemaker.resources.0.ip: VIP 198.51.100.5/24 is outside every node subnet: no interface could carry it',
      'error pacemaker.fencing.devices.0.fences.2: node "n4" is not a node of this inventory (nodes: n1, n2, n3)',
      'warning nodes.2.name: no fencing device can fence n3: a failure of it will block recovery',
    ]);
  });

  it('rejects resources when no node has the pacemaker role', () => {
    const inv = inventory({
      nodes: [{ name: 'n1', links: ['10.0.0.1'], roles: ['haproxy'] }],
      pacemaker: { resources: [web] },
    });
    expect(findings(pacemakerChecks, inv)).toEqual([
      'error pacemaker: pacemaker resources are defined but no node has the pacemaker role',
    ]);
  });
});
