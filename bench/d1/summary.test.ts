import { describe, expect, it } from 'vitest';
import { type D1Round, d1Targets, roundsOf, spread } from './summary.js';

const round = (o: Partial<D1Round>): D1Round => ({
  drill: 'crash-vip-holder',
  status: 'pass',
  target: 'node1',
  holderBefore: 'node1',
  outageS: 3,
  writeGapS: 4,
  fencingS: 3,
  lost: 0,
  maxHolders: 1,
  ...o,
});

describe('D1 summary', () => {
  it('reads a round from a verify report (measurements without a host, properties)', () => {
    const [r] = roundsOf({
      drills: [
        {
          id: 'crash-galera-writer',
          status: 'pass',
          measurements: [
            { name: 'outage', value: 0 },
            { name: 'write_gap', value: 2.1 },
            { name: 'writes_lost', value: 0 },
            { name: 'writes_missing', value: 5, host: 'node1' },
            { name: 'fenced_node', value: 'node1' },
            { name: 'fencing_time', value: 3.4 },
            { name: 'max_vip_holders', value: 1 },
          ],
          properties: { target: 'node1', vip_holder_before: 'node2' },
        },
      ],
    });
    expect(r).toEqual({
      drill: 'crash-galera-writer',
      status: 'pass',
      target: 'node1',
      holderBefore: 'node2',
      outageS: 0,
      writeGapS: 2.1,
      fencingS: 3.4,
      lost: 0,
      maxHolders: 1,
    });
  });

  it('judges the targets and says by how much they were missed', () => {
    const rounds = [
      ...[3.3, 3.5, 3.6, 2.5, 4.2].map((o) => round({ outageS: o })),
      round({ drill: 'crash-galera-writer', target: 'node1', holderBefore: 'node2', writeGapS: 2.2 }),
      // the write node held the VIP: not judged by the 3 s gap
      round({ drill: 'crash-galera-writer', target: 'node1', holderBefore: 'node1', writeGapS: 4.4 }),
    ];
    const t = d1Targets(rounds);
    expect(t.map((x) => [x.met, x.detail])).toEqual([
      [false, 'median 3.50 s over 5 rounds, missed by 0.50 s'],
      [false, 'max 4.20 s, missed by 0.20 s'],
      [true, '0 lost over 2 rounds'],
      [true, 'max 2.20 s, median 2.20 s over 1 rounds'],
      [true, 'at most 1 seen'],
    ]);
    expect(spread([])).toBeNull();
  });
});
