import type { Layout } from '../../render/layout.js';
import type { Inventory } from '../inventory-schema.js';

/**
 * The chrony view model: the inventory turned into exactly what its template prints. Decisions (defaults, derived
 * addresses, ids) are made here, in typed code; the template only lays text out. Absent optional values are
 * `null` (templates are compiled strict). Secret fields hold secret references, printed with `{{secret ref}}`.
 */

export function chronyView(inv: Inventory, layout: Layout) {
  const c = inv.host_prep.chrony;
  return {
    servers: c.servers,
    pools: c.pools,
    makestep: { threshold: c.makestep.threshold, limit: c.makestep.limit },
    allow: c.allow,
    driftfile: layout.chronyDrift,
  };
}
