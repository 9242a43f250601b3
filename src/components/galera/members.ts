import { nodesWithRole } from '../../model/index.js';
import type { Inventory } from '../inventory-schema.js';

/** The Galera members: `galera.members`, else the nodes with the galera role (none without a galera section). */
export function galeraMembers(inv: Inventory): string[] {
  if (!inv.galera) return [];
  return inv.galera.members ?? nodesWithRole(inv, 'galera').map((n) => n.name);
}
