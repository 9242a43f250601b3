import { type Findings, type PathKey, splitCidr } from '../../model/index.js';
import type { Inventory } from '../inventory-schema.js';

/** keepalived: VRIDs used once, members that are nodes, VIPs a node interface can carry. */
export function keepalivedChecks(inv: Inventory, f: Findings): void {
  if (!inv.keepalived) return;
  const vrids = new Map<number, number>();
  inv.keepalived.instances.forEach((inst, i) => {
    const p: PathKey[] = ['keepalived', 'instances', i];
    if (vrids.has(inst.vrid))
      f.error([...p, 'vrid'], `duplicate VRID ${inst.vrid} (also instances[${vrids.get(inst.vrid)}])`);
    vrids.set(inst.vrid, i);
    inst.members.forEach((m, j) => f.unknownNode(m.node, [...p, 'members', j, 'node']));
    const prios = inst.members.map((m) => m.priority);
    if (new Set(prios).size !== prios.length)
      f.warn([...p, 'members'], 'members share a priority: the master is chosen by address');
    inst.vips.forEach((v, j) => {
      const { address, prefix } = splitCidr(v);
      f.checkVip(address, prefix ?? 32, [...p, 'vips', j]);
    });
  });
}
