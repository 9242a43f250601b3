import { clusterNodes, linkAddresses, nodeId } from '../../model/index.js';
import type { Inventory } from '../inventory-schema.js';
import { effectiveTwoNode } from './quorum.js';

/**
 * The corosync view model: the inventory turned into exactly what its template prints. Decisions (defaults, derived
 * addresses, ids) are made here, in typed code; the template only lays text out. Absent optional values are
 * `null` (templates are compiled strict). Secret fields hold secret references, printed with `{{secret ref}}`.
 */

export function corosyncView(inv: Inventory) {
  const c = inv.cluster;
  const q = c.quorum;
  const members = clusterNodes(inv);
  return {
    cluster_name: c.name,
    transport: c.transport,
    crypto_cipher: c.crypto.cipher,
    crypto_hash: c.crypto.hash,
    token: c.totem.token,
    token_coefficient: c.totem.token_coefficient,
    consensus: c.totem.consensus ?? null,
    join_timeout: c.totem.join ?? null,
    max_messages: c.totem.max_messages ?? null,
    link_mode: c.link_mode,
    interfaces: [...(c.links ?? [])]
      .sort((a, b) => a.number - b.number)
      .map((l) => ({
        linknumber: l.number,
        knet_link_priority: l.priority ?? null,
        mcastport: l.mcastport ?? null,
        knet_ping_interval: l.ping_interval ?? null,
        knet_ping_timeout: l.ping_timeout ?? null,
      })),
    nodes: members.map((n) => ({
      name: n.name,
      nodeid: nodeId(inv, n),
      rings: linkAddresses(n).map((addr, i) => ({ n: i, addr })),
    })),
    quorum: {
      two_node: effectiveTwoNode(inv),
      wait_for_all: q.wait_for_all ?? null,
      auto_tie_breaker: q.auto_tie_breaker,
      last_man_standing: q.last_man_standing,
      last_man_standing_window: q.last_man_standing ? (q.last_man_standing_window ?? null) : null,
      qdevice: q.qdevice
        ? {
            host: q.qdevice.host,
            port: q.qdevice.port,
            algorithm: q.qdevice.algorithm,
            tie_breaker: q.qdevice.tie_breaker,
          }
        : null,
    },
  };
}
