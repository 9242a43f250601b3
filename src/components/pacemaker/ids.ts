import type { Inventory } from '../inventory-schema.js';

/** Every Pacemaker id defined in the inventory, with what defines it. */
export function pacemakerIds(inv: Inventory): Map<string, 'primitive' | 'group' | 'clone' | 'stonith'> {
  const ids = new Map<string, 'primitive' | 'group' | 'clone' | 'stonith'>();
  const pm = inv.pacemaker;
  for (const r of pm.resources) {
    ids.set(r.id, 'primitive');
    if (r.type === 'drbd') ids.set(`${r.id}-clone`, 'clone');
  }
  for (const g of pm.groups) ids.set(g.id, 'group');
  for (const c of pm.clones) ids.set(c.id ?? `${c.resource}-clone`, 'clone');
  for (const d of pm.fencing.devices) ids.set(d.id, 'stonith');
  return ids;
}
