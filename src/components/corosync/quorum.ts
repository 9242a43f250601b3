import { clusterNodes } from '../../model/index.js';
import type { Inventory } from '../inventory-schema.js';

/** Whether votequorum two_node is in effect after `auto` is resolved. */
export function effectiveTwoNode(inv: Inventory): boolean {
  const q = inv.cluster.quorum;
  if (q.two_node === 'auto') return clusterNodes(inv).length === 2 && !q.qdevice;
  return q.two_node;
}
