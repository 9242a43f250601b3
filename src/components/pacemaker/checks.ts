import { clusterNodes, didYouMean, type Findings, type PathKey } from '../../model/index.js';
import type { Inventory } from '../inventory-schema.js';
import { pacemakerIds } from './ids.js';

/**
 * Pacemaker: fencing that is on and can fence every member, a no-quorum policy that cannot split the brain, and
 * every id a group, clone, constraint or fencing level names defined once, with the right kind.
 */
export function pacemakerChecks(inv: Inventory, f: Findings): void {
  const pm = inv.pacemaker;
  const members = clusterNodes(inv);
  if (members.length === 0 && (pm.resources.length > 0 || pm.fencing.devices.length > 0))
    f.error(['pacemaker'], 'pacemaker resources are defined but no node has the pacemaker role');

  // ── safety switches ──
  if (!pm.properties['stonith-enabled'])
    f.warn(
      ['pacemaker', 'properties', 'stonith-enabled'],
      'STONITH is disabled by this inventory: a hung node can corrupt shared data',
    );
  else if (
    pm.fencing.devices.length === 0 &&
    members.length > 0 &&
    (pm.resources.length > 0 || members.length > 1)
  )
    f.error(
      ['pacemaker', 'fencing', 'devices'],
      'stonith-enabled is true but no fencing device is defined (define one, or set stonith-enabled: false explicitly)',
    );
  if (pm.properties['no-quorum-policy'] === 'ignore')
    f.warn(
      ['pacemaker', 'properties', 'no-quorum-policy'],
      'no-quorum-policy ignore lets a partition without quorum run resources (split brain)',
    );

  // ── references ──
  const ids = pacemakerIds(inv);
  const idList = [...ids.keys()];
  const seenRid = new Map<string, string>();
  const defineId = (id: string, path: PathKey[]) => {
    if (seenRid.has(id)) f.error(path, `duplicate Pacemaker id "${id}" (also ${seenRid.get(id)})`);
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
      f.error(path, `"${id}" is a ${kind}; expected a ${kinds!.join(' or ')}`);
      return true;
    }
    const hint = didYouMean(id, idList);
    f.error(path, `unknown resource "${id}"${hint ? ` — did you mean "${hint}"?` : ''}`);
    return true;
  };
  const primitives = new Map(pm.resources.map((r) => [r.id, r]));
  const grouped = new Map<string, string>();
  pm.groups.forEach((g, gi) =>
    g.resources.forEach((m, mi) => {
      const p: PathKey[] = ['pacemaker', 'groups', gi, 'resources', mi];
      if (unknownRes(m, p, ['primitive'])) return;
      if (grouped.has(m)) f.error(p, `"${m}" is already in group "${grouped.get(m)}"`);
      grouped.set(m, g.id);
      if (primitives.get(m)?.type === 'drbd')
        f.error(p, `"${m}" is a DRBD resource (a promotable clone) and cannot be in a group`);
    }),
  );
  const cloned = new Set<string>();
  pm.clones.forEach((c, i) => {
    const p: PathKey[] = ['pacemaker', 'clones', i, 'resource'];
    if (unknownRes(c.resource, p, ['primitive', 'group'])) return;
    if (grouped.has(c.resource))
      f.error(
        p,
        `"${c.resource}" is a member of group "${grouped.get(c.resource)}": clone the group instead`,
      );
    if (cloned.has(c.resource)) f.error(p, `"${c.resource}" is cloned twice`);
    if (primitives.get(c.resource)?.type === 'drbd')
      f.error(p, `"${c.resource}" is a DRBD resource: hakit already makes it a promotable clone`);
    cloned.add(c.resource);
  });
  pm.resources.forEach((r, i) => {
    if (r.type === 'drbd') {
      const names = inv.drbd?.resources.map((d) => d.name) ?? [];
      if (!names.includes(r.drbd_resource)) {
        const hint = didYouMean(r.drbd_resource, names);
        f.error(
          ['pacemaker', 'resources', i, 'drbd_resource'],
          `unknown DRBD resource "${r.drbd_resource}"${hint ? ` — did you mean "${hint}"?` : ' (define it under drbd.resources)'}`,
        );
      }
    }
    if (r.type === 'ipaddr2') f.checkVip(r.ip, r.cidr_netmask, ['pacemaker', 'resources', i, 'ip']);
  });
  const c = pm.constraints;
  c.location.forEach((l, i) => {
    const p: PathKey[] = ['pacemaker', 'constraints', 'location', i];
    unknownRes(l.resource, [...p, 'resource']);
    if (l.node) f.unknownNode(l.node, [...p, 'node']);
    if (!l.node && !l.rule) f.error(p, 'a location constraint needs `node` or `rule`');
    if (l.node && l.rule) f.error(p, 'a location constraint takes `node` or `rule`, not both');
  });
  c.colocation.forEach((l, i) => {
    const p: PathKey[] = ['pacemaker', 'constraints', 'colocation', i];
    unknownRes(l.resource, [...p, 'resource']);
    unknownRes(l.with, [...p, 'with']);
    if (l.resource === l.with) f.error([...p, 'with'], 'a resource cannot be colocated with itself');
  });
  c.order.forEach((o, i) => {
    const p: PathKey[] = ['pacemaker', 'constraints', 'order', i];
    unknownRes(o.first, [...p, 'first']);
    unknownRes(o.then, [...p, 'then']);
    if (o.first === o.then) f.error([...p, 'then'], 'a resource cannot be ordered after itself');
  });
  const fenced = new Set<string>();
  pm.fencing.devices.forEach((d, i) => {
    d.fences.forEach((n, j) => {
      if (!f.unknownNode(n, ['pacemaker', 'fencing', 'devices', i, 'fences', j])) fenced.add(n);
    });
    for (const n of Object.keys(d.host_map ?? {}))
      f.unknownNode(n, ['pacemaker', 'fencing', 'devices', i, 'host_map', n]);
  });
  const levelKeys = new Set<string>();
  pm.fencing.levels.forEach((l, i) => {
    const p: PathKey[] = ['pacemaker', 'fencing', 'levels', i];
    f.unknownNode(l.node, [...p, 'node']);
    const key = `${l.node}/${l.index}`;
    if (levelKeys.has(key)) f.error([...p, 'index'], `duplicate fencing level ${l.index} for ${l.node}`);
    levelKeys.add(key);
    l.devices.forEach((d, j) => unknownRes(d, [...p, 'devices', j], ['stonith']));
  });
  if (pm.properties['stonith-enabled'] && pm.fencing.devices.length > 0)
    members.forEach((n) => {
      if (!fenced.has(n.name))
        f.warn(
          ['nodes', inv.nodes.indexOf(n), 'name'],
          `no fencing device can fence ${n.name}: a failure of it will block recovery`,
        );
    });
}
