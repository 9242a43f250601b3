import type { Findings, PathKey } from '../../model/index.js';
import type { Inventory } from '../inventory-schema.js';

/** DRBD: resource names, devices and ports used once, members that are nodes, each listed once. */
export function drbdChecks(inv: Inventory, f: Findings): void {
  if (!inv.drbd) return;
  const seen = new Map<string, string>();
  inv.drbd.resources.forEach((r, i) => {
    const p: PathKey[] = ['drbd', 'resources', i];
    for (const [key, v] of [
      ['name', r.name],
      ['device', r.device],
      ['port', String(r.port)],
    ] as const) {
      const k = `${key}:${v}`;
      if (seen.has(k)) f.error([...p, key], `duplicate DRBD ${key} ${v} (also ${seen.get(k)})`);
      seen.set(k, `drbd.resources[${i}]`);
    }
    const names = r.members.map((m) => (typeof m === 'string' ? m : m.node));
    names.forEach((n, j) => f.unknownNode(n, [...p, 'members', j], 'DRBD member'));
    if (new Set(names).size !== names.length) f.error([...p, 'members'], 'a node is listed twice');
  });
}
