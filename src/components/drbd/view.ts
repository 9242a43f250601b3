import { primaryAddress, requireNode } from '../../model/index.js';
import type { Inventory } from '../inventory-schema.js';

/**
 * The drbd view model: the inventory turned into exactly what its template prints. Decisions (defaults, derived
 * addresses, ids) are made here, in typed code; the template only lays text out. Absent optional values are
 * `null` (templates are compiled strict). Secret fields hold secret references, printed with `{{secret ref}}`.
 */

type DrbdResource = NonNullable<Inventory['drbd']>['resources'][number];

export function drbdMemberNames(r: DrbdResource): string[] {
  return r.members.map((m) => (typeof m === 'string' ? m : m.node));
}

export function drbdView(inv: Inventory, r: DrbdResource) {
  const minor = r.minor ?? Number(/(\d+)$/.exec(r.device)?.[1] ?? 0);
  const hosts = r.members.map((m, i) => {
    const name = typeof m === 'string' ? m : m.node;
    const addr = (typeof m === 'string' ? undefined : m.address) ?? primaryAddress(requireNode(inv, name));
    const disk = typeof m === 'string' ? null : (m.disk ?? null);
    const address = addr.includes(':') ? `ipv6 [${addr}]:${r.port}` : `${addr}:${r.port}`;
    return { name, address, node_id: i, disk };
  });
  return {
    name: r.name,
    device: r.device,
    minor,
    disk: r.disk,
    meta_disk: r.meta_disk,
    protocol: r.protocol,
    fencing: r.fencing,
    handlers: r.fencing !== 'dont-care',
    mesh: hosts.length > 2 ? hosts.map((h) => h.name).join(' ') : null,
    hosts,
  };
}
