import { primaryAddress } from '../../model/index.js';
import type { Inventory } from '../inventory-schema.js';

/**
 * The hosts view model: the inventory turned into exactly what its template prints. Decisions (defaults, derived
 * addresses, ids) are made here, in typed code; the template only lays text out. Absent optional values are
 * `null` (templates are compiled strict). Secret fields hold secret references, printed with `{{secret ref}}`.
 */

export const HOSTS_BEGIN = '# BEGIN hakit managed block: cluster nodes';
export const HOSTS_END = '# END hakit managed block: cluster nodes';

export function hostsView(inv: Inventory) {
  return {
    begin: HOSTS_BEGIN,
    end: HOSTS_END,
    entries: inv.nodes.map((n) => ({ address: primaryAddress(n), name: n.name })),
  };
}
