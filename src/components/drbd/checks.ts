import type { Findings, PathKey } from '../../model/index.js';
import type { Inventory } from '../inventory-schema.js';

/** DRBD: resource names, devices and ports used once, members that are nodes with the drbd role, each listed once. */
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
    names.forEach((n, j) => {
      if (f.unknownNode(n, [...p, 'members', j], 'DRBD member')) return;
      // playbooks/drbd.yaml runs on role:drbd: a member without the role would get no file and no init.
      if (!inv.nodes.find((x) => x.name === n)?.roles.includes('drbd'))
        f.error([...p, 'members', j], `DRBD member "${n}" lacks the drbd role (add drbd to its roles)`);
    });
    if (new Set(names).size !== names.length) f.error([...p, 'members'], 'a node is listed twice');
  });
}
