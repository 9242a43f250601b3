import type { InventoryNode, Role } from './node-schema.js';

/** Derived views of the node list of a validated inventory, shared by components, checks and playbooks. */

/** Anything that holds the inventory's node list (the inventory itself). */
export interface NodeList {
  readonly nodes: readonly InventoryNode[];
}

export function linkAddresses(node: InventoryNode): string[] {
  return node.links.map((l) => (typeof l === 'string' ? l : l.address));
}

export function primaryAddress(node: InventoryNode): string {
  return linkAddresses(node)[0]!;
}

/** Corosync nodeid: explicit `id`, else the 1-based position in the node list. */
export function nodeId(inv: NodeList, node: InventoryNode): number {
  return node.id ?? inv.nodes.indexOf(node) + 1;
}

export function nodesWithRole(inv: NodeList, role: Role): InventoryNode[] {
  return inv.nodes.filter((n) => n.roles.includes(role));
}

/** Corosync/pacemaker members. */
export function clusterNodes(inv: NodeList): InventoryNode[] {
  return nodesWithRole(inv, 'pacemaker');
}

export function nodeByName(inv: NodeList, name: string): InventoryNode | undefined {
  return inv.nodes.find((n) => n.name === name);
}

/** The node of that name; throws when there is none (views run on a semantically checked inventory). */
export function requireNode(inv: NodeList, name: string): InventoryNode {
  const n = nodeByName(inv, name);
  if (!n) throw new Error(`node "${name}" is not in the inventory`);
  return n;
}
