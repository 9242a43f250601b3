import { didYouMean } from './did-you-mean.js';
import { isIPv4, sameIpv4Network, splitCidr } from './ip.js';
import {
  clusterNodes,
  effectiveTwoNode,
  galeraMembers,
  linkAddresses,
  nodeId,
  pacemakerIds,
} from './model.js';
import type { Inventory } from './schema.js';
import type { PathKey } from './yaml-source.js';

/** A semantic finding: a field path into the inventory document and what is wrong there. */
export interface Finding {
  severity: 'error' | 'warning';
  path: PathKey[];
  message: string;
}

/**
 * Checks that go beyond shape: references, uniqueness, quorum math, and safety switches that must warn.
 * Pure: the inventory is already schema-valid.
 */
export function semanticChecks(inv: Inventory): Finding[] {
  const out: Finding[] = [];
  const err = (path: PathKey[], message: string) => out.push({ severity: 'error', path, message });
  const warn = (path: PathKey[], message: string) => out.push({ severity: 'warning', path, message });
  const nodeNames = inv.nodes.map((n) => n.name);
  const nodeSet = new Set(nodeNames);
  const unknownNode = (name: string, path: PathKey[], what = 'node') => {
    if (nodeSet.has(name)) return false;
    const hint = didYouMean(name, nodeNames);
    err(
      path,
      `${what} "${name}" is not a node of this inventory${hint ? ` — did you mean "${hint}"?` : ` (nodes: ${nodeNames.join(', ')})`}`,
    );
    return true;
  };

  // ── nodes: uniqueness and links ──
  const seenName = new Map<string, number>();
  const seenId = new Map<number, number>();
  const seenAddr = new Map<string, string>();
  inv.nodes.forEach((n, i) => {
    if (seenName.has(n.name))
      err(['nodes', i, 'name'], `duplicate node name "${n.name}" (also nodes[${seenName.get(n.name)}])`);
    else seenName.set(n.name, i);
    const id = nodeId(inv, n);
    if (seenId.has(id))
      err(
        ['nodes', i, n.id !== undefined ? 'id' : 'name'],
        `duplicate corosync node id ${id} (also nodes[${seenId.get(id)}])`,
      );
    else seenId.set(id, i);
    linkAddresses(n).forEach((a, li) => {
      const prev = seenAddr.get(a);
      if (prev) err(['nodes', i, 'links', li], `duplicate address ${a} (also ${prev})`);
      else seenAddr.set(a, `nodes[${i}].links[${li}]`);
    });
  });
  const linkCounts = inv.nodes.map((n) => n.links.length);
  const maxLinks = Math.max(...linkCounts);
  inv.nodes.forEach((n, i) => {
    if (n.links.length < maxLinks)
      err(
        ['nodes', i, 'links'],
        `has ${n.links.length} link(s) but other nodes have ${maxLinks}: link ${n.links.length} is missing on ${n.name}`,
      );
  });
  if (inv.cluster.links) {
    const nums = new Set<number>();
    inv.cluster.links.forEach((l, i) => {
      if (nums.has(l.number)) err(['cluster', 'links', i, 'number'], `duplicate link number ${l.number}`);
      nums.add(l.number);
      if (l.number >= maxLinks)
        err(
          ['cluster', 'links', i, 'number'],
          `link ${l.number} does not exist: nodes have ${maxLinks} link(s)`,
        );
    });
  }
  for (const [g, members] of Object.entries(inv.groups)) {
    if (nodeSet.has(g)) err(['groups', g], `group "${g}" has the same name as a node`);
    members.forEach((m, i) => unknownNode(m, ['groups', g, i]));
  }

  // ── quorum ──
  const members = clusterNodes(inv);
  const q = inv.cluster.quorum;
  if (
    members.length === 0 &&
    (inv.pacemaker.resources.length > 0 || inv.pacemaker.fencing.devices.length > 0)
  )
    err(['pacemaker'], 'pacemaker resources are defined but no node has the pacemaker role');
  if (members.length === 2 && q.two_node === false && !q.qdevice)
    err(
      ['cluster', 'quorum', 'two_node'],
      'a 2-node cluster without two_node or a qdevice loses quorum when either node fails: set two_node (or auto) or add a qdevice',
    );
  if (q.two_node === true && members.length !== 2)
    err(['cluster', 'quorum', 'two_node'], `two_node needs exactly 2 cluster nodes, found ${members.length}`);
  if (q.qdevice && q.two_node === true)
    err(['cluster', 'quorum', 'two_node'], 'two_node cannot be combined with a qdevice');
  if (q.qdevice && q.auto_tie_breaker)
    err(['cluster', 'quorum', 'auto_tie_breaker'], 'auto_tie_breaker is incompatible with a quorum device');
  if (q.qdevice && nodeSet.has(q.qdevice.host))
    err(['cluster', 'quorum', 'qdevice', 'host'], 'the qdevice (qnetd) host must not be a cluster node');
  if (effectiveTwoNode(inv) && q.wait_for_all === false)
    warn(
      ['cluster', 'quorum', 'wait_for_all'],
      'wait_for_all off with two_node: both nodes may start alone and fence each other',
    );
  if (members.length === 1) warn(['nodes'], 'a single cluster node gives no high availability');
  if (q.last_man_standing && !q.wait_for_all && !effectiveTwoNode(inv))
    warn(['cluster', 'quorum', 'last_man_standing'], 'last_man_standing is safe only with wait_for_all');

  // ── safety switches ──
  const pm = inv.pacemaker;
  if (!pm.properties['stonith-enabled'])
    warn(
      ['pacemaker', 'properties', 'stonith-enabled'],
      'STONITH is disabled by this inventory: a hung node can corrupt shared data',
    );
  else if (
    pm.fencing.devices.length === 0 &&
    members.length > 0 &&
    (pm.resources.length > 0 || members.length > 1)
  )
    err(
      ['pacemaker', 'fencing', 'devices'],
      'stonith-enabled is true but no fencing device is defined (define one, or set stonith-enabled: false explicitly)',
    );
  if (pm.properties['no-quorum-policy'] === 'ignore')
    warn(
      ['pacemaker', 'properties', 'no-quorum-policy'],
      'no-quorum-policy ignore lets a partition without quorum run resources (split brain)',
    );
  if (inv.host_prep.selinux !== 'enforcing')
    warn(['host_prep', 'selinux'], `SELinux will be set to ${inv.host_prep.selinux} on hosts that have it`);
  if (inv.host_prep.firewall === 'disabled')
    warn(
      ['host_prep', 'firewall'],
      'firewall: disabled is not applied yet (hakit leaves the host firewall as it is); when it is, the firewall will be stopped and disabled',
    );

  // ── pacemaker references ──
  const ids = pacemakerIds(inv);
  const idList = [...ids.keys()];
  const seenRid = new Map<string, string>();
  const defineId = (id: string, path: PathKey[]) => {
    if (seenRid.has(id)) err(path, `duplicate Pacemaker id "${id}" (also ${seenRid.get(id)})`);
    else seenRid.set(id, path.map(String).join('.'));
  };
  pm.resources.forEach((r, i) => defineId(r.id, ['pacemaker', 'resources', i, 'id']));
  pm.groups.forEach((g, i) => defineId(g.id, ['pacemaker', 'groups', i, 'id']));
  pm.clones.forEach((c, i) =>
    defineId(c.id ?? `${c.resource}-clone`, ['pacemaker', 'clones', i, c.id ? 'id' : 'resource']),
  );
  pm.fencing.devices.forEach((d, i) => defineId(d.id, ['pacemaker', 'fencing', 'devices', i, 'id']));
  const unknownRes = (id: string, path: PathKey[], kinds?: string[]) => {
    const kind = ids.get(id);
    if (kind && (!kinds || kinds.includes(kind))) return false;
    if (kind) {
      err(path, `"${id}" is a ${kind}; expected a ${kinds!.join(' or ')}`);
      return true;
    }
    const hint = didYouMean(id, idList);
    err(path, `unknown resource "${id}"${hint ? ` — did you mean "${hint}"?` : ''}`);
    return true;
  };
  const primitives = new Map(pm.resources.map((r) => [r.id, r]));
  const grouped = new Map<string, string>();
  pm.groups.forEach((g, gi) =>
    g.resources.forEach((m, mi) => {
      const p: PathKey[] = ['pacemaker', 'groups', gi, 'resources', mi];
      if (unknownRes(m, p, ['primitive'])) return;
      if (grouped.has(m)) err(p, `"${m}" is already in group "${grouped.get(m)}"`);
      grouped.set(m, g.id);
      if (primitives.get(m)?.type === 'drbd')
        err(p, `"${m}" is a DRBD resource (a promotable clone) and cannot be in a group`);
    }),
  );
  const cloned = new Set<string>();
  pm.clones.forEach((c, i) => {
    const p: PathKey[] = ['pacemaker', 'clones', i, 'resource'];
    if (unknownRes(c.resource, p, ['primitive', 'group'])) return;
    if (grouped.has(c.resource))
      err(p, `"${c.resource}" is a member of group "${grouped.get(c.resource)}": clone the group instead`);
    if (cloned.has(c.resource)) err(p, `"${c.resource}" is cloned twice`);
    if (primitives.get(c.resource)?.type === 'drbd')
      err(p, `"${c.resource}" is a DRBD resource: hakit already makes it a promotable clone`);
    cloned.add(c.resource);
  });
  pm.resources.forEach((r, i) => {
    if (r.type === 'drbd') {
      const names = inv.drbd?.resources.map((d) => d.name) ?? [];
      if (!names.includes(r.drbd_resource)) {
        const hint = didYouMean(r.drbd_resource, names);
        err(
          ['pacemaker', 'resources', i, 'drbd_resource'],
          `unknown DRBD resource "${r.drbd_resource}"${hint ? ` — did you mean "${hint}"?` : ' (define it under drbd.resources)'}`,
        );
      }
    }
    if (r.type === 'ipaddr2') checkVip(r.ip, r.cidr_netmask, ['pacemaker', 'resources', i, 'ip']);
  });
  const c = pm.constraints;
  c.location.forEach((l, i) => {
    const p: PathKey[] = ['pacemaker', 'constraints', 'location', i];
    unknownRes(l.resource, [...p, 'resource']);
    if (l.node) unknownNode(l.node, [...p, 'node']);
    if (!l.node && !l.rule) err(p, 'a location constraint needs `node` or `rule`');
    if (l.node && l.rule) err(p, 'a location constraint takes `node` or `rule`, not both');
  });
  c.colocation.forEach((l, i) => {
    const p: PathKey[] = ['pacemaker', 'constraints', 'colocation', i];
    unknownRes(l.resource, [...p, 'resource']);
    unknownRes(l.with, [...p, 'with']);
    if (l.resource === l.with) err([...p, 'with'], 'a resource cannot be colocated with itself');
  });
  c.order.forEach((o, i) => {
    const p: PathKey[] = ['pacemaker', 'constraints', 'order', i];
    unknownRes(o.first, [...p, 'first']);
    unknownRes(o.then, [...p, 'then']);
    if (o.first === o.then) err([...p, 'then'], 'a resource cannot be ordered after itself');
  });
  const fenced = new Set<string>();
  pm.fencing.devices.forEach((d, i) => {
    d.fences.forEach((n, j) => {
      if (!unknownNode(n, ['pacemaker', 'fencing', 'devices', i, 'fences', j])) fenced.add(n);
    });
    for (const n of Object.keys(d.host_map ?? {}))
      unknownNode(n, ['pacemaker', 'fencing', 'devices', i, 'host_map', n]);
  });
  const levelKeys = new Set<string>();
  pm.fencing.levels.forEach((l, i) => {
    const p: PathKey[] = ['pacemaker', 'fencing', 'levels', i];
    unknownNode(l.node, [...p, 'node']);
    const key = `${l.node}/${l.index}`;
    if (levelKeys.has(key)) err([...p, 'index'], `duplicate fencing level ${l.index} for ${l.node}`);
    levelKeys.add(key);
    l.devices.forEach((d, j) => unknownRes(d, [...p, 'devices', j], ['stonith']));
  });
  if (pm.properties['stonith-enabled'] && pm.fencing.devices.length > 0)
    members.forEach((n) => {
      if (!fenced.has(n.name))
        warn(
          ['nodes', inv.nodes.indexOf(n), 'name'],
          `no fencing device can fence ${n.name}: a failure of it will block recovery`,
        );
    });

  // ── galera ──
  if (inv.galera) {
    const g = inv.galera;
    const gm = galeraMembers(inv);
    (g.members ?? []).forEach((m, i) => unknownNode(m, ['galera', 'members', i], 'Galera member'));
    if (gm.length === 0)
      err(['galera'], 'galera is configured but has no members (list them or give nodes the galera role)');
    if (g.sst.method === 'mariabackup' && !g.sst.password)
      err(['galera', 'sst', 'password'], 'mariabackup SST needs a password (secret reference)');
    if (g.garbd) {
      if (!unknownNode(g.garbd.node, ['galera', 'garbd', 'node']) && gm.includes(g.garbd.node))
        err(
          ['galera', 'garbd', 'node'],
          `garbd must run on a node that is not a Galera member (${g.garbd.node} is one)`,
        );
    }
    if (gm.length === 2 && !g.garbd)
      warn(
        ['galera'],
        'a 2-node Galera cluster without garbd loses quorum when either node fails: add galera.garbd',
      );
    if (gm.length > 0 && (gm.length + (g.garbd ? 1 : 0)) % 2 === 0 && gm.length !== 2)
      warn(
        ['galera', 'members'],
        `an even number of Galera voters (${gm.length + (g.garbd ? 1 : 0)}) cannot survive a 50/50 split`,
      );
  }

  // ── drbd ──
  if (inv.drbd) {
    const seen = new Map<string, string>();
    inv.drbd.resources.forEach((r, i) => {
      const p: PathKey[] = ['drbd', 'resources', i];
      for (const [key, v] of [
        ['name', r.name],
        ['device', r.device],
        ['port', String(r.port)],
      ] as const) {
        const k = `${key}:${v}`;
        if (seen.has(k)) err([...p, key], `duplicate DRBD ${key} ${v} (also ${seen.get(k)})`);
        seen.set(k, `drbd.resources[${i}]`);
      }
      const names = r.members.map((m) => (typeof m === 'string' ? m : m.node));
      names.forEach((n, j) => unknownNode(n, [...p, 'members', j], 'DRBD member'));
      if (new Set(names).size !== names.length) err([...p, 'members'], 'a node is listed twice');
    });
  }

  // ── haproxy ──
  if (inv.haproxy) {
    const h = inv.haproxy;
    const backends = h.backends.map((b) => b.name);
    const dupe = (list: string[], path: PathKey[], what: string) => {
      const seen = new Set<string>();
      list.forEach((n, i) => {
        if (seen.has(n)) err([...path, i, 'name'], `duplicate ${what} "${n}"`);
        seen.add(n);
      });
    };
    dupe(
      h.frontends.map((f) => f.name),
      ['haproxy', 'frontends'],
      'frontend',
    );
    dupe(backends, ['haproxy', 'backends'], 'backend');
    h.frontends.forEach((f, i) => {
      if (!backends.includes(f.default_backend)) {
        const hint = didYouMean(f.default_backend, backends);
        err(
          ['haproxy', 'frontends', i, 'default_backend'],
          `unknown backend "${f.default_backend}"${hint ? ` — did you mean "${hint}"?` : ''}`,
        );
      }
      if (f.mode === 'http' && h.backends.find((b) => b.name === f.default_backend)?.mode === 'tcp')
        err(
          ['haproxy', 'frontends', i, 'mode'],
          `http frontend "${f.name}" cannot use tcp backend "${f.default_backend}"`,
        );
    });
    h.backends.forEach((b, i) => {
      if (b.check.type === 'http' && b.mode !== 'http' && b.check.path === undefined)
        warn(['haproxy', 'backends', i, 'check'], 'http check on a tcp backend');
      b.servers.forEach((sv, j) => {
        const p: PathKey[] = ['haproxy', 'backends', i, 'servers', j];
        if (sv.node) unknownNode(sv.node, [...p, 'node']);
        if (!sv.node && !sv.address) err(p, 'a server needs `node` or `address`');
      });
      if (b.check.type === 'galera' && !inv.galera)
        err(['haproxy', 'backends', i, 'check', 'type'], 'galera check but no galera section');
    });
    if (inv.nodes.every((n) => !n.roles.includes('haproxy')))
      warn(['haproxy'], 'haproxy is configured but no node has the haproxy role');
  }

  // ── keepalived ──
  if (inv.keepalived) {
    const vrids = new Map<number, number>();
    inv.keepalived.instances.forEach((inst, i) => {
      const p: PathKey[] = ['keepalived', 'instances', i];
      if (vrids.has(inst.vrid))
        err([...p, 'vrid'], `duplicate VRID ${inst.vrid} (also instances[${vrids.get(inst.vrid)}])`);
      vrids.set(inst.vrid, i);
      inst.members.forEach((m, j) => unknownNode(m.node, [...p, 'members', j, 'node']));
      const prios = inst.members.map((m) => m.priority);
      if (new Set(prios).size !== prios.length)
        warn([...p, 'members'], 'members share a priority: the master is chosen by address');
      inst.vips.forEach((v, j) => {
        const { address, prefix } = splitCidr(v);
        checkVip(address, prefix ?? 32, [...p, 'vips', j]);
      });
    });
  }

  function checkVip(ip: string, prefix: number, path: PathKey[]) {
    if (!isIPv4(ip)) return;
    const addrs = inv.nodes.flatMap((n) => linkAddresses(n));
    if (addrs.includes(ip)) {
      err(path, `VIP ${ip} is a node address`);
      return;
    }
    if (!addrs.some((a) => sameIpv4Network(a, ip, prefix)))
      err(path, `VIP ${ip}/${prefix} is outside every node subnet: no interface could carry it`);
  }

  return out;
}
