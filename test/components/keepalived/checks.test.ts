import { describe, expect, it } from 'vitest';
import { keepalivedChecks } from '../../../src/components/keepalived/checks.js';
import { findings, inventory } from '../support/inventory.js';

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

describe('keepalived checks', () => {
  it('accepts an instance whose VIP a node subnet holds', () => {
    expect(findings(keepalivedChecks, inventory({ keepalived: { instances: [vi1] } }))).toEqual([]);
  });

  it('rejects a VRID used twice, unknown members and a VIP that is a node address; warns on equal priorities', () => {
    const vi2 = {
      ...vi1,
      name: 'vi_2',
      members: [
        { node: 'n3', priority: 100 },
        { node: 'n5', priority: 100 },
      ],
      vips: ['10.0.0.2/24'],
    };
    expect(findings(keepalivedChecks, inventory({ keepalived: { instances: [vi1, vi2] } }))).toEqual([
      'error keepalived.instances.1.vrid: duplicate VRID 51 (also instances[0])',
      'error keepalived.instances.1.members.1.node: node "n5" is not a node of this inventory (nodes: n1, n2, n3)',
      'warning keepalived.instances.1.members: members share a priority: the master is chosen by address',
      'error keepalived.instances.1.vips.0: VIP 10.0.0.2 is a node address',
    ]);
  });
});
