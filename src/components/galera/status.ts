import type { HaproxyStat } from '../../facts/haproxy-stat.js';
import { nodesWithRole, primaryAddress } from '../../model/index.js';
import { parseShowStat, routedServers, type StatServer } from '../haproxy/routing.js';
import type { Inventory } from '../inventory-schema.js';
import { chooseBootstrap, GaleraBootstrapError, type MemberState } from './bootstrap-choice.js';
import { parseGrastate } from './grastate.js';
import { galeraMembers } from './members.js';

/**
 * `hakit galera status`: what every Galera member says of itself (the `galera_state` fact) and what HAProxy's
 * `show stat` says of it on each node that runs HAProxy, turned into one report (pure: the CLI reads the hosts,
 * src/cli/commands/galera.ts). Read-only.
 */

/** A HAProxy backend that has Galera members among its servers (the inventory's `haproxy.backends`). */
export interface GaleraBackend {
  name: string;
  balance: string;
  allbackups: boolean;
  /** Its servers in order; `member` is the Galera member it points at (by `node`, or by address), else null. */
  servers: Array<{ name: string; member: string | null }>;
}

/** What one node running HAProxy answered on its stats socket (or why it could not be asked). */
export type HaproxyView = { viewer: string; stat: HaproxyStat } | { viewer: string; unreadable: string };

/** How HAProxy on one node sees one member. */
export interface RouteView {
  /** The node whose HAProxy this is. */
  viewer: string;
  backend: string;
  server: string;
  /** HAProxy's status of the server (UP, DOWN, MAINT, …); null when the view could not be read. */
  status: string | null;
  backup: boolean;
  /** HAProxy sends new connections to it now. */
  routed: boolean;
  /** Why the view is missing (socket unreadable, server not in `show stat`). */
  error: string | null;
}

export interface MemberStatus {
  node: string;
  /** The member answered (SSH and the fact). */
  readable: boolean;
  error: string | null;
  /** A MariaDB server runs (unit active or a mariadbd process). */
  running: boolean | null;
  /** wsrep_local_state_comment (Synced, Donor/Desynced, Joining…); null when not running. */
  state: string | null;
  /** wsrep_cluster_status (Primary, non-Primary, Disconnected). */
  clusterStatus: string | null;
  clusterSize: number | null;
  /** The live wsrep_cluster_state_uuid, else the one saved in grastate.dat. */
  clusterUuid: string | null;
  /** wsrep_last_committed while running, else grastate.dat's seqno (-1 after a crash). */
  seqno: number | null;
  seqnoFrom: 'live' | 'grastate' | null;
  /** The position `mariadbd --wsrep-recover` gave (recorded by hakit bootstrap), when grastate.dat says -1. */
  recovered: { uuid: string; seqno: number } | null;
  /** grastate.dat's safe_to_bootstrap; null without the file or the line. */
  safeToBootstrap: boolean | null;
  haproxy: RouteView[];
}

export interface GaleraStatus {
  members: MemberStatus[];
  /** The Primary component: its uuid, its size, the members in it. */
  cluster: { uuid: string | null; size: number | null; primary: string[] };
  /** Every member readable, running, Primary and Synced in one component. */
  healthy: boolean;
  /** One line: healthy, or what is wrong. */
  summary: string;
  /** What `hakit bootstrap` would do with the Galera members now (start, recover, refuse, nothing). */
  bootstrap: string;
  /** 0 healthy; 1 some member is not Synced in the Primary component (or none runs); 3 a member unreadable. */
  exitCode: 0 | 1 | 3;
}

/** The haproxy backends with Galera members among their servers. */
export function galeraBackends(inv: Inventory): GaleraBackend[] {
  const members = galeraMembers(inv);
  const byAddress = new Map<string, string>();
  for (const n of inv.nodes) if (members.includes(n.name)) byAddress.set(primaryAddress(n), n.name);
  const out: GaleraBackend[] = [];
  for (const b of inv.haproxy?.backends ?? []) {
    const servers = b.servers.map((s) => ({
      name: s.name,
      member:
        s.node !== undefined
          ? members.includes(s.node)
            ? s.node
            : null
          : s.address !== undefined
            ? (byAddress.get(s.address) ?? null)
            : null,
    }));
    if (servers.some((s) => s.member !== null))
      out.push({ name: b.name, balance: b.balance, allbackups: b.options.includes('allbackups'), servers });
  }
  return out;
}

/** The nodes that run HAProxy (the haproxy role), whose stats sockets say where traffic goes. */
export function haproxyNodes(inv: Inventory): string[] {
  return inv.haproxy ? nodesWithRole(inv, 'haproxy').map((n) => n.name) : [];
}

function routes(
  member: string,
  backends: readonly GaleraBackend[],
  views: readonly HaproxyView[],
): RouteView[] {
  const out: RouteView[] = [];
  for (const v of views) {
    let rows: StatServer[] | null = null;
    let error: string | null = null;
    if ('unreadable' in v) error = v.unreadable;
    else if (v.stat.csv === null) error = v.stat.error ?? 'no answer';
    else
      try {
        rows = parseShowStat(v.stat.csv);
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
    for (const b of backends)
      for (const s of b.servers) {
        if (s.member !== member) continue;
        const base = { viewer: v.viewer, backend: b.name, server: s.name, backup: false };
        if (rows === null) {
          out.push({ ...base, status: null, routed: false, error });
          continue;
        }
        const mine = rows.filter((r) => r.backend === b.name);
        const row = mine.find((r) => r.server === s.name);
        if (!row) {
          out.push({
            ...base,
            status: null,
            routed: false,
            error: `no server ${b.name}/${s.name} in show stat`,
          });
          continue;
        }
        out.push({
          ...base,
          status: row.status,
          backup: row.backup,
          routed: routedServers(mine, b).has(s.name),
          error: null,
        });
      }
  }
  return out;
}

function memberStatus(
  m: MemberState,
  backends: readonly GaleraBackend[],
  views: readonly HaproxyView[],
): MemberStatus {
  const haproxy = routes(m.node, backends, views);
  if ('unreadable' in m)
    return {
      node: m.node,
      readable: false,
      error: m.unreadable,
      running: null,
      state: null,
      clusterStatus: null,
      clusterSize: null,
      clusterUuid: null,
      seqno: null,
      seqnoFrom: null,
      recovered: null,
      safeToBootstrap: null,
      haproxy,
    };
  const s = m.state;
  const g = parseGrastate(s.grastate);
  const live = s.running && s.status?.ok ? s.status : null;
  const r = m.recovered;
  return {
    node: m.node,
    readable: true,
    error: s.running && !s.status?.ok ? (s.status?.error ?? 'status unreadable') : null,
    running: s.running,
    state: live?.localStateComment ?? null,
    clusterStatus: live?.clusterStatus ?? null,
    clusterSize: live?.clusterSize ?? null,
    clusterUuid: live?.clusterStateUuid ?? g?.uuid ?? null,
    seqno: live?.lastCommitted ?? g?.seqno ?? null,
    seqnoFrom: live?.lastCommitted != null ? 'live' : g?.seqno != null ? 'grastate' : null,
    recovered: !s.running && r?.kind === 'recovered' ? { uuid: r.uuid, seqno: r.seqno } : null,
    safeToBootstrap: g?.safeToBootstrap ?? null,
    haproxy,
  };
}

/** What hakit bootstrap would do now, in one line (never throws). */
function nextBootstrap(members: readonly MemberState[]): string {
  try {
    const d = chooseBootstrap(members);
    switch (d.kind) {
      case 'running':
        return d.join.length
          ? `${d.join.map((j) => j.node).join(', ')} would join the running cluster`
          : 'nothing to do (a Primary component runs, no member to start)';
      case 'needs-recovery':
        return `would recover the positions of ${d.nodes.join(', ')} (mariadbd --wsrep-recover), then choose the most advanced member`;
      default:
        return `would bootstrap from ${d.bootstrap.node}: ${d.reason}`;
    }
  } catch (e) {
    if (e instanceof GaleraBootstrapError) return `would refuse: ${e.problem}`;
    return `undecidable: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** The report of `hakit galera status`. `members` in inventory order; `views` one per HAProxy node. */
export function galeraStatus(
  members: readonly MemberState[],
  backends: readonly GaleraBackend[],
  views: readonly HaproxyView[],
): GaleraStatus {
  const out = members.map((m) => memberStatus(m, backends, views));
  const primary = out.filter((m) => m.clusterStatus === 'Primary');
  const uuids = [...new Set(primary.map((m) => m.clusterUuid))];
  const size = primary.length ? Math.max(...primary.map((m) => m.clusterSize ?? 0)) : null;
  const unreadable = out.filter((m) => !m.readable).map((m) => m.node);
  const notSynced = out.filter((m) => m.readable && !(m.clusterStatus === 'Primary' && m.state === 'Synced'));
  const healthy =
    unreadable.length === 0 && notSynced.length === 0 && uuids.length === 1 && (size ?? 0) >= out.length;
  const problems: string[] = [];
  if (unreadable.length) problems.push(`unreadable: ${unreadable.join(', ')}`);
  const down = notSynced.filter((m) => !m.running).map((m) => m.node);
  if (down.length === out.length)
    problems.push('no member runs (a full outage: hakit bootstrap recovers it)');
  else if (down.length) problems.push(`not running: ${down.join(', ')}`);
  const other = notSynced.filter((m) => m.running);
  if (other.length)
    problems.push(
      `not Synced in the Primary component: ${other.map((m) => `${m.node} (${m.clusterStatus ?? '?'}/${m.state ?? '?'})`).join(', ')}`,
    );
  if (uuids.length > 1) problems.push(`Primary in different clusters: ${uuids.join(' vs ')}`);
  if (!problems.length && (size ?? 0) < out.length)
    problems.push(`cluster size ${size} < ${out.length} members`);
  return {
    members: out,
    cluster: {
      uuid: uuids.length === 1 ? (uuids[0] ?? null) : null,
      size,
      primary: primary.map((m) => m.node),
    },
    healthy,
    summary: healthy
      ? `healthy: all ${out.length} members Synced in the Primary component`
      : problems.join('; '),
    bootstrap: nextBootstrap(members),
    exitCode: healthy ? 0 : unreadable.length ? 3 : 1,
  };
}

const dash = (v: unknown) => (v === null || v === undefined ? '-' : String(v));

function haproxyText(views: readonly RouteView[]): string {
  if (!views.length) return '-';
  const groups = new Map<string, string[]>();
  for (const v of views) {
    const verdict = v.error
      ? `unknown (${v.error})`
      : `${v.routed ? 'routed' : 'not routed'} (${v.backend}/${v.server} ${v.status}${v.backup ? ', backup' : ''})`;
    groups.set(verdict, [...(groups.get(verdict) ?? []), v.viewer]);
  }
  return [...groups].map(([verdict, viewers]) => `${verdict} per ${viewers.join(',')}`).join('; ');
}

/** The report as text (tty and plain): a header, one row per member, and what hakit bootstrap would do. */
export function formatGaleraStatus(s: GaleraStatus): string {
  const head = [
    `Galera: ${s.summary}`,
    `cluster uuid ${dash(s.cluster.uuid)}, size ${dash(s.cluster.size)}, Primary: ${s.cluster.primary.join(' ') || 'none'}`,
  ];
  const rows = [
    ['NODE', 'SERVER', 'STATE', 'STATUS', 'SIZE', 'SEQNO', 'SAFE_TO_BOOTSTRAP', 'UUID', 'HAPROXY'],
  ];
  for (const m of s.members) {
    const seqno =
      m.seqno === null
        ? '-'
        : `${m.seqno} (${m.seqnoFrom})${m.recovered ? `, recovered ${m.recovered.seqno}` : ''}`;
    rows.push([
      m.node,
      m.readable ? (m.running ? 'running' : 'stopped') : `unreadable: ${m.error}`,
      dash(m.state),
      dash(m.clusterStatus),
      dash(m.clusterSize),
      seqno,
      m.safeToBootstrap === null ? '-' : m.safeToBootstrap ? '1' : '0',
      dash(m.clusterUuid),
      haproxyText(m.haproxy),
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const table = rows.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
  return [...head, '', ...table, '', `hakit bootstrap: ${s.bootstrap}`, ''].join('\n');
}
