import { type Inventory, inventorySchema } from '../../../src/components/inventory-schema.js';
import { type Finding, Findings } from '../../../src/model/index.js';

/**
 * A schema-valid inventory that passes every semantic check: three pacemaker nodes on 10.0.0.0/24 and one
 * fencing device for all of them. `extra` replaces or adds top-level sections.
 */
export function inventory(extra: Record<string, unknown> = {}): Inventory {
  return inventorySchema.parse({
    cluster: { name: 't' },
    nodes: [
      { name: 'n1', links: ['10.0.0.1'] },
      { name: 'n2', links: ['10.0.0.2'] },
      { name: 'n3', links: ['10.0.0.3'] },
    ],
    pacemaker: fenced(),
    ...extra,
  });
}

/** A pacemaker section with one device fencing n1–n3, plus `more`. */
export function fenced(more: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    fencing: { devices: [{ id: 'fence-all', agent: 'fence_dummy', fences: ['n1', 'n2', 'n3'] }] },
    ...more,
  };
}

/** What one component's checks find, as `severity path: message` lines. */
export function findings(check: (inv: Inventory, f: Findings) => void, inv: Inventory): string[] {
  const f = new Findings(inv.nodes);
  check(inv, f);
  return lines(f.list);
}

export const lines = (list: Finding[]): string[] =>
  list.map((x) => `${x.severity} ${x.path.join('.')}: ${x.message}`);
