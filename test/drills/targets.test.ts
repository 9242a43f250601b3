import { describe, expect, it } from 'vitest';
import { DRILLS } from '../../src/drills/catalog.js';
import { selectDrills } from '../../src/drills/run-drills.js';
import { drillTargets } from '../../src/drills/targets.js';
import { sandboxInventory } from '../verify/support.js';

describe('what the drills aim at', () => {
  it('the sandbox inventory: the VIP, its MySQL frontend, Galera writes to node1 (first non-backup server)', () => {
    const t = drillTargets(sandboxInventory());
    expect(t.vip).toEqual({ id: 'vip', ip: '10.213.26.100' });
    expect(t.probePort).toBe(3307);
    expect(t.galera).toEqual({ port: 3307, writeNode: 'node1', members: ['node1', 'node2', 'node3'] });
    expect(t.members.map((m) => [m.name, m.addresses.join()])).toEqual([
      ['node1', '10.213.26.11'],
      ['node2', '10.213.26.12'],
      ['node3', '10.213.26.13'],
    ]);
    expect(t.haproxyUnit).toBe('haproxy');
  });

  it('--drills: all in catalogue order (Galera drills only with Galera), a list deduplicated, unknown names refused', () => {
    const withGalera = () => ({ galera: { port: 1, writeNode: 'n1', members: ['n1'] } });
    const without = () => ({ galera: null });
    expect(selectDrills('all', withGalera).map((d) => d.id)).toEqual(DRILLS.map((d) => d.id));
    expect(selectDrills('all', without).map((d) => d.id)).not.toContain('kill-mariadbd');
    expect(selectDrills('all', without).map((d) => d.id)).not.toContain('crash-galera-writer');
    expect(selectDrills(' move, standby,move ', without).map((d) => d.id)).toEqual(['move', 'standby']);
    expect(() => selectDrills('standbye', without)).toThrow(
      /unknown drill 'standbye' \(did you mean 'standby'\?\)/,
    );
    expect(() => selectDrills('all,move', without)).toThrow(/name no other with it/);
    expect(() => selectDrills('crash-galera-writer', without)).toThrow(/needs Galera behind the VIP/);
    // A name is checked before the inventory is looked at.
    expect(() =>
      selectDrills('nope', () => {
        throw new Error('looked at the inventory');
      }),
    ).toThrow(/unknown drill 'nope'/);
  });
});
