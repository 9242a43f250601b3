import {
  clusterNodes,
  effectiveTwoNode,
  galeraMembers,
  linkAddresses,
  nodeByName,
  nodeId,
  primaryAddress,
} from '../inventory/model.js';
import type { Inventory, InventoryNode } from '../inventory/schema.js';
import type { Layout } from './layout.js';

/**
 * View models: the inventory turned into exactly what each template prints. All decisions (defaults, derived
 * addresses, ids, check lines) are made here, in typed code; templates only lay text out. Absent optional values
 * are `null` (templates are compiled strict, so a missing key is a template bug, not an empty string).
 * Secret fields hold secret references; templates print them with `{{secret ref}}`.
 */

export const GALERA_CHECK_PORT = 9200;
export const GALERA_GCOMM_PORT = 4567;
export const HOSTS_BEGIN = '# BEGIN hakit managed block: cluster nodes';
export const HOSTS_END = '# END hakit managed block: cluster nodes';

function nodeOrThrow(inv: Inventory, name: string): InventoryNode {
  const n = nodeByName(inv, name);
  if (!n) throw new Error(`node "${name}" is not in the inventory`);
  return n;
}

// ─── corosync ────────────────────────────────────────────────────────────────

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

// ─── haproxy ─────────────────────────────────────────────────────────────────

/** HAProxy time: a bare number in the inventory means seconds (Pacemaker convention); haproxy reads ms. */
export function haproxyTime(d: string | number): string {
  if (typeof d === 'number') return `${d}s`;
  if (/^\d+$/.test(d)) return `${d}s`;
  return d.replace(/min$/, 'm');
}

export function haproxyView(inv: Inventory) {
  const h = inv.haproxy;
  if (!h) throw new Error('no haproxy section');
  const checkUser = inv.galera?.check_user ?? 'haproxy';
  return {
    global: { ...h.global },
    defaults: {
      mode: h.defaults.mode,
      retries: h.defaults.retries,
      timeouts: {
        connect: haproxyTime(h.defaults.timeouts.connect),
        client: haproxyTime(h.defaults.timeouts.client),
        server: haproxyTime(h.defaults.timeouts.server),
        check: haproxyTime(h.defaults.timeouts.check),
      },
    },
    stats: h.stats ? { bind: h.stats.bind, uri: h.stats.uri } : null,
    frontends: h.frontends.map((f) => ({
      name: f.name,
      binds: f.bind,
      mode: f.mode,
      log_option: f.mode === 'http' ? 'httplog' : 'tcplog',
      maxconn: f.maxconn ?? null,
      options: f.options,
      default_backend: f.default_backend,
    })),
    backends: h.backends.map((b) => {
      const ck = b.check;
      const lines: string[] = [];
      let port: number | null = ck.port ?? null;
      switch (ck.type) {
        case 'http':
          lines.push(`option httpchk GET ${ck.path}`, `http-check expect status ${ck.expect_status}`);
          break;
        case 'galera':
          port ??= GALERA_CHECK_PORT;
          lines.push('option httpchk', `http-check expect status ${ck.expect_status}`);
          break;
        case 'mysql':
          lines.push(`option mysql-check user ${checkUser}`);
          break;
        case 'tcp':
          break;
      }
      const checkArgs = [
        'check',
        ...(port !== null ? [`port ${port}`] : []),
        `inter ${haproxyTime(ck.inter)}`,
        `fall ${ck.fall}`,
        `rise ${ck.rise}`,
      ].join(' ');
      return {
        name: b.name,
        mode: b.mode,
        balance: b.balance,
        check_lines: lines,
        options: b.options,
        servers: b.servers.map((s) => {
          const address = s.address ?? (s.node ? primaryAddress(nodeOrThrow(inv, s.node)) : null);
          if (!address) throw new Error(`haproxy server ${s.name} has neither address nor node`);
          const extra = [
            ...(s.weight !== undefined ? [`weight ${s.weight}`] : []),
            ...(s.backup ? ['backup'] : []),
          ];
          const host = address.includes(':') ? `[${address}]` : address;
          return { line: `server ${s.name} ${host}:${s.port} ${[checkArgs, ...extra].join(' ')}` };
        }),
      };
    }),
  };
}

// ─── galera ──────────────────────────────────────────────────────────────────

export function galeraView(inv: Inventory, node: InventoryNode, layout: Layout) {
  const g = inv.galera;
  if (!g) throw new Error('no galera section');
  const members = galeraMembers(inv).map((m) => nodeOrThrow(inv, m));
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
  const members = galeraMembers(inv).map((m) => nodeOrThrow(inv, m));
  return {
    nodes: members.map((m) => `${primaryAddress(m)}:${GALERA_GCOMM_PORT}`).join(' '),
    group: g.cluster_name,
  };
}

// ─── drbd ────────────────────────────────────────────────────────────────────

type DrbdResource = NonNullable<Inventory['drbd']>['resources'][number];

export function drbdMemberNames(r: DrbdResource): string[] {
  return r.members.map((m) => (typeof m === 'string' ? m : m.node));
}

export function drbdView(inv: Inventory, r: DrbdResource) {
  const minor = r.minor ?? Number(/(\d+)$/.exec(r.device)?.[1] ?? 0);
  const hosts = r.members.map((m, i) => {
    const name = typeof m === 'string' ? m : m.node;
    const addr = (typeof m === 'string' ? undefined : m.address) ?? primaryAddress(nodeOrThrow(inv, name));
    const disk = typeof m === 'string' ? null : (m.disk ?? null);
    const address = addr.includes(':') ? `ipv6 [${addr}]:${r.port}` : `${addr}:${r.port}`;
    return { name, address, node_id: i, disk };
  });
  return {
    name: r.name,
    device: r.device,
    minor,
    disk: r.disk,
    meta_disk: r.meta_disk,
    protocol: r.protocol,
    fencing: r.fencing,
    handlers: r.fencing !== 'dont-care',
    mesh: hosts.length > 2 ? hosts.map((h) => h.name).join(' ') : null,
    hosts,
  };
}

// ─── keepalived ──────────────────────────────────────────────────────────────

export function keepalivedView(inv: Inventory, node: InventoryNode) {
  const k = inv.keepalived;
  if (!k) throw new Error('no keepalived section');
  const instances = k.instances.filter((i) => i.members.some((m) => m.node === node.name));
  const scripts = new Map<string, (typeof instances)[number]['track_scripts'][number]>();
  for (const i of instances)
    for (const s of i.track_scripts) if (!scripts.has(s.name)) scripts.set(s.name, s);
  return {
    router_id: node.name,
    scripts: [...scripts.values()].map((s) => ({ ...s, script: s.script.replace(/"/g, '\\"') })),
    instances: instances.map((i) => {
      const me = i.members.find((m) => m.node === node.name);
      const peers = i.members
        .filter((m) => m.node !== node.name)
        .map((m) => primaryAddress(nodeOrThrow(inv, m.node)));
      return {
        name: i.name,
        interface: i.interface,
        vrid: i.vrid,
        priority: me?.priority ?? 100,
        advert_int: i.advert_int,
        nopreempt: i.nopreempt,
        unicast: i.unicast ? { src: primaryAddress(node), peers } : null,
        auth_ref: i.auth_pass ?? null,
        track: i.track_scripts.map((s) => s.name),
        vips: i.vips,
      };
    }),
  };
}

// ─── chrony, hosts ───────────────────────────────────────────────────────────

export function chronyView(inv: Inventory, layout: Layout) {
  const c = inv.host_prep.chrony;
  return {
    servers: c.servers,
    pools: c.pools,
    makestep: { threshold: c.makestep.threshold, limit: c.makestep.limit },
    allow: c.allow,
    driftfile: layout.chronyDrift,
  };
}

export function hostsView(inv: Inventory) {
  return {
    begin: HOSTS_BEGIN,
    end: HOSTS_END,
    entries: inv.nodes.map((n) => ({ address: primaryAddress(n), name: n.name })),
  };
}
