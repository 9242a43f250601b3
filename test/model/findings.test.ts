import { describe, expect, it } from 'vitest';
import { Findings, nodeSchema } from '../../src/model/index.js';

const nodes = ['10.0.0.1', '10.0.0.2'].map((a, i) => nodeSchema.parse({ name: `node${i + 1}`, links: [a] }));

describe('Findings', () => {
  it('names an unknown node with the closest node name, or lists the nodes when none is close', () => {
    const f = new Findings(nodes);
    expect(f.unknownNode('node1', ['x'])).toBe(false);
    expect(f.unknownNode('nod1', ['a'], 'Galera member')).toBe(true);
    expect(f.unknownNode('db', ['b'])).toBe(true);
    expect(f.list).toEqual([
      {
        severity: 'error',
        path: ['a'],
        message: 'Galera member "nod1" is not a node of this inventory — did you mean "node1"?',
      },
      {
        severity: 'error',
        path: ['b'],
        message: 'node "db" is not a node of this inventory (nodes: node1, node2)',
      },
    ]);
  });

  it('accepts a VIP a node subnet holds, rejects a node address or one outside every subnet, skips IPv6', () => {
    const f = new Findings(nodes);
    f.checkVip('10.0.0.100', 24, ['ok']);
    f.checkVip('fd00::1', 64, ['v6']);
    f.checkVip('10.0.0.2', 24, ['addr']);
    f.checkVip('10.0.1.5', 24, ['out']);
    expect(f.list.map((x) => `${x.path.join('.')}: ${x.message}`)).toEqual([
      'addr: VIP 10.0.0.2 is a node address',
      'out: VIP 10.0.1.5/24 is outside every node subnet: no interface could carry it',
    ]);
  });
});
