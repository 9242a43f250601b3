import { clusterNodes } from '../../model/index.js';
import type { Inventory } from '../inventory-schema.js';

/**
 * Whether Pacemaker starts HAProxy on this node (a `systemd` resource of unit haproxy, and the node is a cluster
 * member): systemd then leaves it alone at boot. Elsewhere (e.g. HAProxy behind keepalived, no Pacemaker) systemd
 * runs it.
 */
export function haproxyUnderPacemaker(inv: Inventory, node: string): boolean {
  if (!clusterNodes(inv).some((n) => n.name === node)) return false;
  return inv.pacemaker.resources.some(
    (r) => r.type === 'systemd' && (r.unit === 'haproxy' || r.unit === 'haproxy.service'),
  );
}
