import { peerSources } from '../firewall-sources.js';
import type { ComponentContext, FirewallNeed } from '../types.js';
import { galeraMembers } from './members.js';
import { galeraPorts } from './selinux.js';
import { galeraCheckPort } from './view.js';

/**
 * MariaDB Galera on a member, from the other nodes of the inventory (members, garbd, the HAProxy nodes whose
 * backends and health checks reach it): the client port (`galera.port`), group communication (TCP and UDP, the
 * latter for Galera's multicast replication), IST, SST (4444) and the clustercheck port (the haproxy galera check's
 * port, default 9200). garbd's node receives group communication from the members.
 */
export function galeraFirewall(ctx: ComponentContext): FirewallNeed[] {
  const g = ctx.inv.galera;
  if (!g) return [];
  const from = peerSources(ctx.node, ctx.inv.nodes);
  const p = galeraPorts(g);
  if (galeraMembers(ctx.inv).includes(ctx.node.name))
    return [
      { proto: 'tcp', port: g.port, from, why: 'mariadb clients' },
      { proto: 'tcp', port: p.gcomm, from, why: 'galera group communication' },
      { proto: 'udp', port: p.gcomm, from, why: 'galera group communication' },
      { proto: 'tcp', port: p.ist, from, why: 'galera ist' },
      { proto: 'tcp', port: p.sst, from, why: 'galera sst' },
      { proto: 'tcp', port: galeraCheckPort(ctx.inv), from, why: 'galera clustercheck' },
    ];
  if (g.garbd?.node === ctx.node.name)
    return [{ proto: 'tcp', port: p.gcomm, from, why: 'garbd group communication' }];
  return [];
}
