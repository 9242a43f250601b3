import { describe, expect, it } from 'vitest';
import { DRILL_IDS, drillThresholds, verifySchema } from '../../../src/components/verify/schema.js';
import { DRILLS } from '../../../src/drills/catalog.js';

describe('verify schema', () => {
  it('names exactly the drills the catalog implements, in its order', () => {
    expect(DRILLS.map((d) => d.id)).toEqual([...DRILL_IDS]);
  });

  it("a drill's entry replaces only the thresholds it gives", () => {
    const v = verifySchema.parse({ max_outage_s: 4, drills: { 'crash-vip-holder': { max_write_gap_s: 5 } } });
    expect(drillThresholds(v, 'crash-vip-holder')).toEqual({
      max_outage_s: 4,
      max_write_gap_s: 5,
      max_lost_writes: 0,
    });
    expect(drillThresholds(v, 'partition')).toEqual({
      max_outage_s: 4,
      max_write_gap_s: 3,
      max_lost_writes: 0,
    });
  });

  it('refuses a drill name that does not exist', () => {
    const r = verifySchema.safeParse({ drills: { 'crash-vip-hodler': { max_outage_s: 5 } } });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain('crash-vip-hodler');
  });
});
