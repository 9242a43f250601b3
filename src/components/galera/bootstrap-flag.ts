import { InputError } from '../../errors/index.js';
import { nodeByName } from '../../model/index.js';
import type { Inventory } from '../inventory-schema.js';
import { BOOTSTRAP_NODE_FLAG } from './bootstrap-error.js';
import { galeraMembers } from './members.js';

/**
 * Checks the node named with `hakit bootstrap --galera-bootstrap-node NODE` before any host is contacted: it must
 * be a Galera member of the inventory (`galera.members`, else the nodes with the galera role). Returns it;
 * throws InputError (exit 2) naming the members otherwise.
 */
export function checkBootstrapNode(inv: Inventory, node: string): string {
  if (!inv.galera)
    throw new InputError(
      `${BOOTSTRAP_NODE_FLAG} ${node}: the inventory has no galera section, so there is no Galera member to bootstrap`,
    );
  const members = galeraMembers(inv);
  if (members.includes(node)) return node;
  const known = nodeByName(inv, node);
  throw new InputError(
    `${BOOTSTRAP_NODE_FLAG} ${node}: ${
      known
        ? `${node} is a node of the inventory but not a Galera member`
        : `no node ${node} in the inventory`
    }; name one of the Galera members: ${members.join(', ') || '(none)'}`,
  );
}
