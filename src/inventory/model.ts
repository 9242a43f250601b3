import type { Inventory, InventoryNode, Role } from './schema.js';

/** Derived views of a validated inventory, shared by templates, checks and playbooks. */

export function linkAddresses(node: InventoryNode): string[] {
  return node.links.map((l) => (typeof l === 'string' ? l : l.address));
}

export function primaryAddress(node: InventoryNode): string {
  return linkAddresses(node)[0]!;
}

/** Corosync nodeid: explicit `id`, else the 1-based position in the node list. */
export function nodeId(inv: Inventory, node: InventoryNode): number {
  return node.id ?? inv.nodes.indexOf(node) + 1;
}

export function nodesWithRole(inv: Inventory, role: Role): InventoryNode[] {
  return inv.nodes.filter((n) => n.roles.includes(role));
}

/** Corosync/pacemaker members. */
export function clusterNodes(inv: Inventory): InventoryNode[] {
  return nodesWithRole(inv, 'pacemaker');
}

/** Whether votequorum two_node is in effect after `auto` is resolved. */
export function effectiveTwoNode(inv: Inventory): boolean {
  const q = inv.cluster.quorum;
  if (q.two_node === 'auto') return clusterNodes(inv).length === 2 && !q.qdevice;
  return q.two_node;
}

export function galeraMembers(inv: Inventory): string[] {
  if (!inv.galera) return [];
  return inv.galera.members ?? nodesWithRole(inv, 'galera').map((n) => n.name);
}

export function nodeByName(inv: Inventory, name: string): InventoryNode | undefined {
  return inv.nodes.find((n) => n.name === name);
}

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

/** The node of that name; throws when there is none (views run on a semantically checked inventory). */
export function requireNode(inv: Inventory, name: string): InventoryNode {
  const n = nodeByName(inv, name);
  if (!n) throw new Error(`node "${name}" is not in the inventory`);
  return n;
}
