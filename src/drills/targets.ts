import { InputError } from '../errors/index.js';
import { clusterNodes, galeraMembers, type Inventory, linkAddresses } from '../inventory/index.js';

/** What the drills aim at, read from the inventory. */
export interface DrillTargets {
  vip: { id: string; ip: string };
  /** The HAProxy frontend bound to the VIP the client probe connects to. */
  probePort: number;
  /** Galera through the VIP, when deployed: the frontend port and the server HAProxy sends writes to first. */
  galera: { port: number; writeNode: string; members: string[] } | null;
  /** Cluster members with their addresses (peers of a partition). */
  members: { name: string; addresses: string[] }[];
  /** The haproxy systemd resource (pacemaker-managed), if any. */
  haproxyUnit: string | null;
}

const portOf = (bind: string) => Number(bind.slice(bind.lastIndexOf(':') + 1));
const hostOf = (bind: string) => bind.slice(0, bind.lastIndexOf(':'));

/** Throws InputError (nothing contacted, nothing injected) when the inventory has no VIP with a frontend on it. */
export function drillTargets(inv: Inventory): DrillTargets {
  const vips = inv.pacemaker.resources.flatMap((r) => (r.type === 'ipaddr2' ? [{ id: r.id, ip: r.ip }] : []));
  const vip = vips[0];
  if (!vip)
    throw new InputError(
      'drills need a VIP: the inventory defines no ipaddr2 resource under pacemaker.resources',
    );
  const frontends = (inv.haproxy?.frontends ?? []).filter((f) =>
    f.bind.some((b) => hostOf(b) === vip.ip || hostOf(b) === '*' || hostOf(b) === ''),
  );
  const first = frontends[0];
  if (!first)
    throw new InputError(
      `drills probe the VIP through a HAProxy frontend bound to it: no haproxy.frontends entry binds ${vip.ip}:PORT (or *:PORT)`,
    );
  const bindOnVip = (f: typeof first) =>
    portOf(f.bind.find((b) => hostOf(b) === vip.ip) ?? (f.bind[0] as string));
  const members = galeraMembers(inv);
  let galera: DrillTargets['galera'] = null;
  if (members.length) {
    for (const f of frontends) {
      const be = inv.haproxy?.backends.find((b) => b.name === f.default_backend);
      if (!be || be.check.type !== 'galera') continue;
      const write = be.servers.find((s) => !s.backup && s.node !== undefined);
      if (write?.node) galera = { port: bindOnVip(f), writeNode: write.node, members };
      break;
    }
  }
  const haproxy = inv.pacemaker.resources.find(
    (r) => r.type === 'systemd' && r.unit.replace(/\.service$/, '') === 'haproxy',
  );
  return {
    vip,
    probePort: bindOnVip(first),
    galera,
    members: clusterNodes(inv).map((n) => ({ name: n.name, addresses: linkAddresses(n) })),
    haproxyUnit: haproxy?.type === 'systemd' ? haproxy.unit : null,
  };
}
