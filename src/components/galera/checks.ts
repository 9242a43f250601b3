import type { Findings } from '../../model/index.js';
import type { Inventory } from '../inventory-schema.js';
import { galeraMembers } from './members.js';

/** Galera: members that are nodes, an SST that can authenticate, and a voter count that survives a split. */
export function galeraChecks(inv: Inventory, f: Findings): void {
  if (!inv.galera) return;
  const g = inv.galera;
  const gm = galeraMembers(inv);
  (g.members ?? []).forEach((m, i) => f.unknownNode(m, ['galera', 'members', i], 'Galera member'));
  if (gm.length === 0)
    f.error(['galera'], 'galera is configured but has no members (list them or give nodes the galera role)');
  if (g.sst.method === 'mariabackup' && !g.sst.password)
    f.error(['galera', 'sst', 'password'], 'mariabackup SST needs a password (secret reference)');
  if (g.garbd) {
    if (!f.unknownNode(g.garbd.node, ['galera', 'garbd', 'node']) && gm.includes(g.garbd.node))
      f.error(
        ['galera', 'garbd', 'node'],
        `garbd must run on a node that is not a Galera member (${g.garbd.node} is one)`,
      );
  }
  if (gm.length === 2 && !g.garbd)
    f.warn(
      ['galera'],
      'a 2-node Galera cluster without garbd loses quorum when either node fails: add galera.garbd',
    );
  if (gm.length > 0 && (gm.length + (g.garbd ? 1 : 0)) % 2 === 0 && gm.length !== 2)
    f.warn(
      ['galera', 'members'],
      `an even number of Galera voters (${gm.length + (g.garbd ? 1 : 0)}) cannot survive a 50/50 split`,
    );
}
