import { type InventoryNode, primaryAddress, requireNode } from '../../model/index.js';
import type { Layout } from '../../render/layout.js';
import type { Inventory } from '../inventory-schema.js';
import { DRAIN_ANSWERS, DRAIN_FILE } from './drain.js';
import { galeraMembers } from './members.js';

/**
 * The galera view model: the inventory turned into exactly what its template prints. Decisions (defaults, derived
 * addresses, ids) are made here, in typed code; the template only lays text out. Absent optional values are
 * `null` (templates are compiled strict). Secret fields hold secret references, printed with `{{secret ref}}`.
 */

export const GALERA_CHECK_PORT = 9200;
export const GALERA_GCOMM_PORT = 4567;

export function galeraView(inv: Inventory, node: InventoryNode, layout: Layout) {
  const g = inv.galera;
  if (!g) throw new Error('no galera section');
  const members = galeraMembers(inv).map((m) => requireNode(inv, m));
  const providerOptions = Object.entries(g.provider_options)
    .map(([k, v]) => `${k}=${typeof v === 'boolean' ? (v ? 'yes' : 'no') : v}`)
    .join(';');
  const sstAuth =
    g.sst.method === 'mariabackup' && g.sst.password ? { user: g.sst.user, ref: g.sst.password } : null;
  return {
    cluster_name: g.cluster_name,
    cluster_address: `gcomm://${members.map((m) => primaryAddress(m)).join(',')}`,
    node_name: node.name,
    node_address: primaryAddress(node),
    port: g.port,
    provider: layout.galeraProvider,
    sst_method: g.sst.method,
    sst_auth: sstAuth,
    provider_options: providerOptions || null,
    innodb_flush_log_at_trx_commit: g.innodb_flush_log_at_trx_commit,
    check: {
      user: g.check_user,
      password_ref: g.check_password ?? null,
      port: galeraCheckPort(inv),
      script: layout.clustercheckScript,
      credentials: layout.clustercheckCredentials,
      available_when_donor: g.check_available_when_donor,
      drain_file: DRAIN_FILE,
      drain_answers: DRAIN_ANSWERS,
    },
  };
}

/** Port of the Galera health check: the port of a galera-type haproxy check, else 9200. */
export function galeraCheckPort(inv: Inventory): number {
  const b = inv.haproxy?.backends.find((x) => x.check.type === 'galera' && x.check.port !== undefined);
  return b?.check.port ?? GALERA_CHECK_PORT;
}

export function garbdView(inv: Inventory) {
  const g = inv.galera;
  if (!g) throw new Error('no galera section');
  const members = galeraMembers(inv).map((m) => requireNode(inv, m));
  return {
    nodes: members.map((m) => `${primaryAddress(m)}:${GALERA_GCOMM_PORT}`).join(','),
    group: g.cluster_name,
  };
}
