import { describe, expect, it } from 'vitest';
import { drbdChecks } from '../../../src/components/drbd/checks.js';
import { findings, inventory } from '../support/inventory.js';

const nodes = ['n1', 'n2', 'n3'].map((name, i) => ({
  name,
  links: [`10.0.0.${i + 1}`],
  roles: ['pacemaker', 'drbd'],
}));

const r0 = { name: 'r0', device: '/dev/drbd0', disk: '/dev/vdb', members: ['n1', 'n2'] };

describe('drbd checks', () => {
  it('accepts resources on distinct devices and ports', () => {
    const r1 = { ...r0, name: 'r1', device: '/dev/drbd1', port: 7790 };
    expect(findings(drbdChecks, inventory({ nodes, drbd: { resources: [r0, r1] } }))).toEqual([]);
  });

  it('rejects a second resource on the same device and port, unknown members and a member twice', () => {
    const dup = { ...r0, name: 'r1', members: ['n1', 'n9', 'n1'] };
    expect(findings(drbdChecks, inventory({ nodes, drbd: { resources: [r0, dup] } }))).toEqual([
      'error drbd.resources.1.device: duplicate DRBD device /dev/drbd0 (also drbd.resources[0])',
      'error drbd.resources.1.port: duplicate DRBD port 7789 (also drbd.resources[0])',
      'error drbd.resources.1.members.1: DRBD member "n9" is not a node of this inventory (nodes: n1, n2, n3)',
      'error drbd.resources.1.members: a node is listed twice',
    ]);
  });

  it('rejects a member without the drbd role (playbooks/drbd.yaml runs on role:drbd)', () => {
    const plain = nodes.map((n) => (n.name === 'n2' ? { ...n, roles: ['pacemaker'] } : n));
    expect(findings(drbdChecks, inventory({ nodes: plain, drbd: { resources: [r0] } }))).toEqual([
      'error drbd.resources.0.members.1: DRBD member "n2" lacks the drbd role (add drbd to its roles)',
    ]);
  });
});
