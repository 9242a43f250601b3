import { type Findings, type PathKey, requireNode, sameIpv4Network, splitCidr } from '../../model/index.js';
import type { Inventory } from '../inventory-schema.js';
import { addressesInVipNetwork, vipNetwork } from './addresses.js';

type Instance = NonNullable<Inventory['keepalived']>['instances'][number];

/**
 * keepalived: members that are nodes with the keepalived role (and keepalived nodes that are members), VIPs inside
 * the subnet of every member's interface, VRIDs used once per network, track scripts defined once.
 */
export function keepalivedChecks(inv: Inventory, f: Findings): void {
  inv.nodes.forEach((n, i) => {
    const member = inv.keepalived?.instances.some((inst) => inst.members.some((m) => m.node === n.name));
    if (n.roles.includes('keepalived') && !member)
      f.error(
        ['nodes', i, 'roles'],
        `${n.name} has the keepalived role but is a member of no keepalived instance: it would get no keepalived.conf`,
      );
  });
  if (!inv.keepalived) return;
  const instances = inv.keepalived.instances;
  const scripts = new Map<string, { json: string; at: string }>();
  instances.forEach((inst, i) => {
    const p: PathKey[] = ['keepalived', 'instances', i];
    inst.members.forEach((m, j) => {
      if (f.unknownNode(m.node, [...p, 'members', j, 'node'])) return;
      if (!requireNode(inv, m.node).roles.includes('keepalived'))
        f.error(
          [...p, 'members', j, 'node'],
          `${m.node} is a member of ${inst.name} but lacks the keepalived role (hakit bootstrap applies keepalived on role:keepalived)`,
        );
    });
    const prios = inst.members.map((m) => m.priority);
    if (new Set(prios).size !== prios.length)
      f.warn([...p, 'members'], 'members share a priority: the master is chosen by address');
    inst.vips.forEach((v, j) => {
      const { address, prefix } = splitCidr(v);
      f.checkVip(address, prefix ?? 32, [...p, 'vips', j]);
      for (const m of inst.members) {
        if (!f.isNode(m.node)) continue;
        if (addressesInVipNetwork(requireNode(inv, m.node), v).length === 0)
          f.error(
            [...p, 'vips', j],
            `VIP ${v} is outside the subnet of ${m.node}'s interface ${inst.interface}: no address of ${m.node} is in ${vipNetwork(v)}`,
          );
      }
    });
    if (inst.notify) pidofWarning(f, inst.notify, [...p, 'notify']);
    for (let k = 0; k < i; k++) {
      const other = instances[k]!;
      if (other.vrid !== inst.vrid) continue;
      const shared = sharedNetwork(inst, other);
      if (shared)
        f.error(
          [...p, 'vrid'],
          `VRID ${inst.vrid} is also used by instances[${k}] (${other.name}) on ${shared}: each VRRP instance on one network needs its own VRID`,
        );
    }
    inst.track_scripts.forEach((s, j) => {
      pidofWarning(f, s.script, [...p, 'track_scripts', j, 'script']);
      const at = `instances[${i}].track_scripts[${j}]`;
      const json = JSON.stringify({ ...s });
      const seen = scripts.get(s.name);
      if (!seen) scripts.set(s.name, { json, at });
      else if (seen.json !== json)
        f.error(
          [...p, 'track_scripts', j, 'name'],
          `track script "${s.name}" is defined differently in ${seen.at}: one name, one vrrp_script`,
        );
    });
  });
}

/** The network two instances share, if any: overlapping VIP subnets, or one interface of a node both run on. */
function sharedNetwork(a: Instance, b: Instance): string | null {
  for (const va of a.vips)
    for (const vb of b.vips) {
      const x = splitCidr(va);
      const y = splitCidr(vb);
      const prefix = Math.min(x.prefix ?? 32, y.prefix ?? 32);
      if (sameIpv4Network(x.address, y.address, prefix)) return vipNetwork(`${x.address}/${prefix}`);
    }
  if (a.interface !== b.interface) return null;
  const node = a.members.find((m) => b.members.some((o) => o.node === m.node))?.node;
  return node ? `${node}'s ${a.interface}` : null;
}

/**
 * keepalived checks a script's path and then runs the file a symlink points to: Debian's /usr/bin/pidof is a link
 * to killall5, which, run under that name, never reports a process (seen with keepalived 2.2.7 on Debian 12).
 */
function pidofWarning(f: Findings, command: string, path: PathKey[]): void {
  const exe = command.trim().split(/\s+/)[0]!;
  if (exe === 'pidof' || exe.endsWith('/pidof'))
    f.warn(
      path,
      'keepalived runs the target of a symlink, and on Debian-like hosts pidof is a link to killall5: this check never succeeds there; use `/usr/bin/pgrep -x NAME`',
    );
}
