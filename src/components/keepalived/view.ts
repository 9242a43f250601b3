import { type InventoryNode, requireNode } from '../../model/index.js';
import type { Inventory } from '../inventory-schema.js';
import { interfaceAddress } from './addresses.js';

/**
 * The keepalived view model: the inventory turned into exactly what its template prints. Decisions (defaults, derived
 * addresses, ids) are made here, in typed code; the template only lays text out. Absent optional values are
 * `null` (templates are compiled strict). Secret fields hold secret references, printed with `{{secret ref}}`.
 */

/** A command inside keepalived's double quotes. */
const quoted = (command: string) => command.replace(/\\/g, '\\\\').replace(/"/g, '\\"');

export function keepalivedView(inv: Inventory, node: InventoryNode) {
  const k = inv.keepalived;
  if (!k) throw new Error('no keepalived section');
  const instances = k.instances.filter((i) => i.members.some((m) => m.node === node.name));
  const scripts = new Map<string, (typeof instances)[number]['track_scripts'][number]>();
  for (const i of instances)
    for (const s of i.track_scripts) if (!scripts.has(s.name)) scripts.set(s.name, s);
  return {
    router_id: node.name,
    scripts: [...scripts.values()].map((s) => ({ ...s, script: quoted(s.script) })),
    instances: instances.map((i) => {
      const me = i.members.find((m) => m.node === node.name);
      const peers = i.members
        .filter((m) => m.node !== node.name)
        .map((m) => interfaceAddress(i, requireNode(inv, m.node)));
      return {
        name: i.name,
        interface: i.interface,
        vrid: i.vrid,
        priority: me?.priority ?? 100,
        advert_int: i.advert_int,
        nopreempt: i.nopreempt,
        unicast: i.unicast ? { src: interfaceAddress(i, node), peers } : null,
        auth_ref: i.auth_pass ?? null,
        track: i.track_scripts.map((s) => s.name),
        notify: i.notify === undefined ? null : quoted(i.notify),
        vips: i.vips,
      };
    }),
  };
}
