import { clusterNodes, isSecretRef, nodeId } from '../../model/index.js';
import type { Inventory } from '../inventory-schema.js';
import type { Resource } from './schema.js';

/**
 * The Pacemaker CIB `<configuration>` as a view model. Every id is derived from inventory names only
 * (pcs-style: `<rsc>-instance_attributes-<name>`, `<rsc>-monitor-interval-10s`, `location-<rsc>-<node>-<score>`…),
 * so the same inventory always gives the same XML. The CIB validate-with version is {@link CIB_SCHEMA}.
 */

export const CIB_SCHEMA = 'pacemaker-3.7';

type Scalar = string | number | boolean;
type Op = NonNullable<Resource['ops']>[number];

export interface NvPair {
  id: string;
  name: string;
  value: string;
  /** `value` is a secret reference: the template prints it with `{{secret value}}`. */
  is_secret: boolean;
}
export interface NvSet {
  id: string;
  pairs: NvPair[];
}
export interface CibOp {
  id: string;
  name: string;
  interval: string;
  timeout: string | null;
  role: string | null;
  on_fail: string | null;
}
export interface CibPrimitive {
  id: string;
  class: string;
  provider: string | null;
  type: string;
  params: NvSet | null;
  meta: NvSet | null;
  ops: CibOp[];
}
export interface CibGroup {
  id: string;
  meta: NvSet | null;
  primitives: CibPrimitive[];
}
export interface CibClone {
  id: string;
  meta: NvSet | null;
  primitive: CibPrimitive | null;
  group: CibGroup | null;
}
export type CibResourceItem =
  | { primitive: CibPrimitive; group: null; clone: null }
  | { primitive: null; group: CibGroup; clone: null }
  | { primitive: null; group: null; clone: CibClone };

/** A valid XML ID from arbitrary text: letters, digits, `_`, `-`, `.`; starts with a letter or `_`. */
/** The random fencing delay a two-node cluster's devices get when the inventory sets none. */
export const TWO_NODE_DELAY_MAX = '15s';

/**
 * In a two-node cluster both nodes may see the other fail at the same moment and fence each other: unless the
 * inventory chose a delay for the device (pcmk_delay_base, pcmk_delay_max), or the cluster-wide
 * priority-fencing-delay is used instead, the device gets a random delay of up to {@link TWO_NODE_DELAY_MAX}
 * (Pacemaker Explained, "Fencing delays"), so one of them wins the race.
 */
function twoNodeDelay(params: Record<string, unknown> | undefined): Record<string, string> {
  if (params && ('pcmk_delay_base' in params || 'pcmk_delay_max' in params)) return {};
  return { pcmk_delay_max: TWO_NODE_DELAY_MAX };
}

export function xmlId(s: string): string {
  const cleaned = s.replace(/^\+/, '').replace(/[^A-Za-z0-9_.-]/g, '_');
  return /^[A-Za-z_]/.test(cleaned) ? cleaned : `_${cleaned}`;
}

function str(v: Scalar): string {
  return typeof v === 'boolean' ? (v ? 'true' : 'false') : String(v);
}

/** Hands out unique ids: the first use of a base keeps it, later ones get `-1`, `-2`… */
class IdRegistry {
  private readonly used = new Set<string>();
  take(base: string): string {
    let id = xmlId(base);
    for (let i = 1; this.used.has(id); i++) id = `${xmlId(base)}-${i}`;
    this.used.add(id);
    return id;
  }
  reserve(id: string): void {
    this.used.add(id);
  }
}

function nvset(
  ids: IdRegistry,
  setId: string,
  values: Record<string, Scalar | undefined> | undefined,
  secrets = false,
): NvSet | null {
  if (!values) return null;
  const entries = Object.entries(values).filter((e): e is [string, Scalar] => e[1] !== undefined);
  if (entries.length === 0) return null;
  const id = ids.take(setId);
  return {
    id,
    pairs: entries.map(([name, v]) => ({
      id: ids.take(`${id}-${name}`),
      name,
      value: str(v),
      is_secret: secrets && isSecretRef(v),
    })),
  };
}

const DEFAULT_MONITOR: Record<string, { interval: string; timeout: string }> = {
  ipaddr2: { interval: '10s', timeout: '20s' },
  systemd: { interval: '60s', timeout: '100s' },
  filesystem: { interval: '20s', timeout: '40s' },
  ocf: { interval: '30s', timeout: '60s' },
  stonith: { interval: '60s', timeout: '60s' },
};

function ops(ids: IdRegistry, rsc: string, given: Op[] | undefined, defaults: Op[]): CibOp[] {
  const list = given && given.length > 0 ? given : defaults;
  // A monitor is always present: add the default one when the inventory lists only other operations.
  const withMonitor = list.some((o) => o.name === 'monitor')
    ? list
    : [...list, ...defaults.filter((o) => o.name === 'monitor')];
  return withMonitor.map((o) => {
    const interval = str(o.interval);
    return {
      id: ids.take(`${rsc}-${o.name}-interval-${interval}${o.role ? `-${o.role}` : ''}`),
      name: o.name,
      interval,
      timeout: o.timeout !== undefined ? str(o.timeout) : null,
      role: o.role ?? null,
      on_fail: o.on_fail ?? null,
    };
  });
}

function monitor(kind: keyof typeof DEFAULT_MONITOR): Op {
  const d = DEFAULT_MONITOR[kind]!;
  return { name: 'monitor', interval: d.interval, timeout: d.timeout };
}

function primitive(ids: IdRegistry, r: Resource): CibPrimitive {
  const base = { id: r.id, meta: nvset(ids, `${r.id}-meta_attributes`, r.meta) };
  const params = (extra: Record<string, Scalar | undefined>) =>
    nvset(ids, `${r.id}-instance_attributes`, { ...extra, ...r.params }, true);
  switch (r.type) {
    case 'ipaddr2':
      return {
        ...base,
        class: 'ocf',
        provider: 'heartbeat',
        type: 'IPaddr2',
        params: params({ ip: r.ip, cidr_netmask: r.cidr_netmask, nic: r.nic }),
        ops: ops(ids, r.id, r.ops, [monitor('ipaddr2')]),
      };
    case 'systemd':
      return {
        ...base,
        class: 'systemd',
        provider: null,
        type: r.unit.replace(/\.service$/, ''),
        params: params({}),
        ops: ops(ids, r.id, r.ops, [monitor('systemd')]),
      };
    case 'filesystem':
      return {
        ...base,
        class: 'ocf',
        provider: 'heartbeat',
        type: 'Filesystem',
        params: params({ device: r.device, directory: r.directory, fstype: r.fstype, options: r.options }),
        ops: ops(ids, r.id, r.ops, [monitor('filesystem')]),
      };
    case 'drbd':
      return {
        ...base,
        class: 'ocf',
        provider: 'linbit',
        type: 'drbd',
        params: params({ drbd_resource: r.drbd_resource }),
        ops: ops(ids, r.id, r.ops, [
          { name: 'monitor', interval: '29s', timeout: '20s', role: 'Promoted' },
          { name: 'monitor', interval: '31s', timeout: '20s', role: 'Unpromoted' },
        ]),
      };
    case 'ocf': {
      const parts = r.agent.split(':');
      const cls = parts[0]!;
      return {
        ...base,
        class: cls,
        provider: cls === 'ocf' ? parts[1]! : null,
        type: cls === 'ocf' ? parts[2]! : parts.slice(1).join(':'),
        params: params({}),
        ops: ops(ids, r.id, r.ops, [monitor('ocf')]),
      };
    }
  }
}

export function cibView(inv: Inventory) {
  const pm = inv.pacemaker;
  const ids = new IdRegistry();
  // Ids the inventory names itself come first, so a derived id never takes one of them.
  for (const r of pm.resources) ids.reserve(r.id);
  for (const g of pm.groups) ids.reserve(g.id);
  for (const d of pm.fencing.devices) ids.reserve(d.id);
  for (const c of pm.clones) if (c.id) ids.reserve(c.id);
  for (const r of pm.resources) if (r.type === 'drbd') ids.reserve(`${r.id}-clone`);
  for (const c of pm.clones) if (!c.id) ids.reserve(`${c.resource}-clone`);

  const properties = nvset(ids, 'cib-bootstrap-options', {
    'cluster-name': inv.cluster.name,
    ...Object.fromEntries(Object.entries(pm.properties).map(([k, v]) => [k, v as Scalar | undefined])),
  });

  const nodes = inv.nodes
    .filter((n) => n.roles.includes('pacemaker'))
    .map((n) => {
      const id = String(nodeId(inv, n));
      return { id, uname: n.name, attrs: nvset(ids, `nodes-${id}`, n.attributes) };
    });

  // Resource tree: a primitive lives at top level, in a group, or in a clone (of itself or of its group).
  const prims = new Map(pm.resources.map((r) => [r.id, r]));
  const groupOf = new Map<string, string>();
  for (const g of pm.groups) for (const m of g.resources) groupOf.set(m, g.id);
  const cloned = new Map(pm.clones.map((c) => [c.resource, c]));

  const buildGroup = (g: Inventory['pacemaker']['groups'][number]): CibGroup => ({
    id: g.id,
    meta: nvset(ids, `${g.id}-meta_attributes`, g.meta),
    primitives: g.resources.flatMap((m) => {
      const r = prims.get(m);
      return r ? [primitive(ids, r)] : [];
    }),
  });

  const items: CibResourceItem[] = [];
  const emitted = new Set<string>();
  const emitClone = (
    resourceId: string,
    makeInner: () => { primitive: CibPrimitive | null; group: CibGroup | null },
  ) => {
    const c = cloned.get(resourceId)!;
    const id = c.id ?? `${resourceId}-clone`;
    const meta: Record<string, Scalar | undefined> = {
      ...(c.promotable ? { promotable: true } : {}),
      ...c.meta,
    };
    items.push({
      primitive: null,
      group: null,
      clone: { id, meta: nvset(ids, `${id}-meta_attributes`, meta), ...makeInner() },
    });
  };

  for (const r of pm.resources) {
    const inGroup = groupOf.get(r.id);
    if (inGroup) {
      if (emitted.has(inGroup)) continue;
      emitted.add(inGroup);
      const g = pm.groups.find((x) => x.id === inGroup)!;
      if (cloned.has(g.id)) emitClone(g.id, () => ({ primitive: null, group: buildGroup(g) }));
      else items.push({ primitive: null, group: buildGroup(g), clone: null });
      continue;
    }
    if (r.type === 'drbd') {
      const members = inv.drbd?.resources.find((d) => d.name === r.drbd_resource)?.members.length ?? 2;
      const id = `${r.id}-clone`;
      const meta = nvset(ids, `${id}-meta_attributes`, {
        promotable: true,
        'promoted-max': r.promoted_max,
        'promoted-node-max': 1,
        'clone-max': members,
        'clone-node-max': 1,
        notify: true,
      });
      items.push({
        primitive: null,
        group: null,
        clone: { id, meta, primitive: primitive(ids, r), group: null },
      });
      continue;
    }
    if (cloned.has(r.id)) emitClone(r.id, () => ({ primitive: primitive(ids, r), group: null }));
    else items.push({ primitive: primitive(ids, r), group: null, clone: null });
  }

  const twoNode = clusterNodes(inv).length === 2 && !pm.properties['priority-fencing-delay'];
  const stonith: CibPrimitive[] = pm.fencing.devices.map((d) => {
    const hostMap = d.host_map
      ? Object.entries(d.host_map)
          .map(([n, p]) => `${n}:${p}`)
          .join(';')
      : undefined;
    return {
      id: d.id,
      class: 'stonith',
      provider: null,
      type: d.agent,
      params: nvset(
        ids,
        `${d.id}-instance_attributes`,
        {
          ...(twoNode ? twoNodeDelay(d.params) : {}),
          ...d.params,
          pcmk_host_list: d.fences.join(' '),
          pcmk_host_map: hostMap,
        },
        true,
      ),
      meta: nvset(ids, `${d.id}-meta_attributes`, d.meta),
      ops: ops(ids, d.id, d.ops, [monitor('stonith')]),
    };
  });

  const c = pm.constraints;
  const locations = c.location.map((l) => {
    const score = str(l.score);
    if (l.rule) {
      const what = [l.rule.attribute.replace(/^#/, ''), l.rule.operation, l.rule.value ?? ''].filter(
        (x) => x !== '',
      );
      const id = ids.take(l.id ?? `location-${l.resource}-${what.join('-')}`);
      return {
        id,
        rsc: l.resource,
        node: null,
        score: null,
        role: l.role ?? null,
        rule: {
          id: ids.take(`${id}-rule`),
          score,
          expr: {
            id: ids.take(`${id}-expr`),
            attribute: l.rule.attribute,
            operation: l.rule.operation,
            value: l.rule.value !== undefined ? str(l.rule.value) : null,
          },
        },
      };
    }
    return {
      id: ids.take(l.id ?? `location-${l.resource}-${l.node}-${score}`),
      rsc: l.resource,
      node: l.node ?? null,
      score,
      role: l.role ?? null,
      rule: null,
    };
  });
  const colocations = c.colocation.map((x) => ({
    id: ids.take(x.id ?? `colocation-${x.resource}-${x.with}-${str(x.score)}`),
    rsc: x.resource,
    with_rsc: x.with,
    score: str(x.score),
    rsc_role: x.role ?? null,
    with_rsc_role: x.with_role ?? null,
  }));
  const orders = c.order.map((o) => ({
    id: ids.take(o.id ?? `order-${o.first}-${o.then}-${o.kind}`),
    first: o.first,
    then: o.then,
    kind: o.kind,
    first_action: o.first_action,
    then_action: o.then_action,
    symmetrical: o.symmetrical === undefined ? null : str(o.symmetrical),
  }));
  const levels = pm.fencing.levels.map((l) => ({
    id: ids.take(`fl-${l.node}-${l.index}`),
    target: l.node,
    index: l.index,
    devices: l.devices.join(','),
  }));

  return {
    schema: CIB_SCHEMA,
    properties,
    nodes,
    resources: items,
    stonith,
    constraints: {
      locations,
      colocations,
      orders,
      empty: locations.length + colocations.length + orders.length === 0,
    },
    fencing_levels: levels,
    rsc_defaults: nvset(
      ids,
      'rsc_defaults-meta_attributes',
      pm.resource_defaults as Record<string, Scalar | undefined>,
    ),
    op_defaults: nvset(
      ids,
      'op_defaults-meta_attributes',
      pm.op_defaults as Record<string, Scalar | undefined>,
    ),
  };
}
