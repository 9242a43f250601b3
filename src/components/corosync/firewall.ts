import { clusterNodes, linkAddresses } from '../../model/index.js';
import type { ComponentContext, FirewallNeed } from '../types.js';

/** corosync's knet default port (totem.interface.mcastport), on every link. */
export const COROSYNC_KNET_PORT = 5405;

/**
 * corosync (knet) on a cluster member: each link N receives UDP on its port (`cluster.links[].mcastport`, default
 * 5405) from the other members' addresses on link N.
 */
export function corosyncFirewall(ctx: ComponentContext): FirewallNeed[] {
  const members = clusterNodes(ctx.inv);
  if (!members.some((n) => n.name === ctx.node.name)) return [];
  return linkAddresses(ctx.node).map((_, i) => {
    const port = ctx.inv.cluster.links?.find((l) => l.number === i)?.mcastport ?? COROSYNC_KNET_PORT;
    const from = members.filter((n) => n.name !== ctx.node.name).flatMap((n) => linkAddresses(n)[i] ?? []);
    return { proto: 'udp', port, from, why: `corosync link ${i}` };
  });
}
