import type { Findings } from '../../model/index.js';
import type { Inventory } from '../inventory-schema.js';
import { galeraMembers } from './members.js';

/** Galera: members that are nodes, an SST that can authenticate, and a voter count that survives a split. */
export function galeraChecks(inv: Inventory, f: Findings): void {
  galeraSectionChecks(inv, f);
  garbdRoleChecks(inv, f);
}

function galeraSectionChecks(inv: Inventory, f: Findings): void {
  if (!inv.galera) return;
  const g = inv.galera;
  const gm = galeraMembers(inv);
  (g.members ?? []).forEach((m, i) => f.unknownNode(m, ['galera', 'members', i], 'Galera member'));
  if (gm.length === 0)
    f.error(['galera'], 'galera is configured but has no members (list them or give nodes the galera role)');
  if (g.sst.method === 'mariabackup' && !g.sst.password)
    f.error(['galera', 'sst', 'password'], 'mariabackup SST needs a password (secret reference)');
  let garbdRejected = false;
  if (g.garbd) {
    const at = ['galera', 'garbd', 'node'];
    if (!f.unknownNode(g.garbd.node, at) && gm.includes(g.garbd.node))
      f.error(at, `garbd must run on a node that is not a Galera member (${g.garbd.node} is one)`);
    if (gm.length % 2 === 1) {
      garbdRejected = true;
      f.error(
        ['galera', 'garbd'],
        `garbd with ${gm.length} Galera member${gm.length === 1 ? '' : 's'} makes ${gm.length + 1} voters, an ` +
          'even count: ' +
          (gm.length === 1
            ? 'losing either the member or garbd leaves no Primary component'
            : `a split into ${(gm.length + 1) / 2} | ${(gm.length - 1) / 2} members + garbd leaves no Primary ` +
              `component, where ${gm.length} members alone keep one`) +
          '. garbd is for an even number of members (2): remove galera.garbd',
      );
    }
  }
  if (gm.length === 2 && !g.garbd)
    f.warn(
      ['galera'],
      'a 2-node Galera cluster without garbd loses quorum when either node fails: add galera.garbd',
    );
  if (!garbdRejected && gm.length > 0 && (gm.length + (g.garbd ? 1 : 0)) % 2 === 0 && gm.length !== 2)
    f.warn(
      ['galera', 'members'],
      `an even number of Galera voters (${gm.length + (g.garbd ? 1 : 0)}) cannot survive a 50/50 split`,
    );
}

/**
 * The garbd role and `galera.garbd.node` name the same node: the playbook installs and starts garbd on the nodes
 * with the role, the settings file goes to the node the galera section names.
 */
function garbdRoleChecks(inv: Inventory, f: Findings): void {
  const named = inv.galera?.garbd?.node;
  inv.nodes.forEach((n, i) => {
    const hasRole = n.roles.includes('garbd');
    if (hasRole && n.name !== named)
      f.error(
        ['nodes', i, 'roles'],
        named
          ? `${n.name} has the garbd role but galera.garbd.node is ${named}: one node runs garbd`
          : `${n.name} has the garbd role but there is no galera.garbd section: add galera.garbd: { node: ${n.name} } or remove the role`,
      );
    if (!hasRole && n.name === named)
      f.error(
        ['galera', 'garbd', 'node'],
        `${n.name} runs garbd but does not have the garbd role: add garbd to its roles`,
      );
  });
}
