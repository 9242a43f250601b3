import type { GaleraState } from '../../facts/galera-state.js';
import {
  describeGrastate,
  describeRecovery,
  type Grastate,
  hasClusterUuid,
  parseGrastate,
  parseWsrepRecover,
  type WsrepRecovery,
  ZERO_UUID,
} from './grastate.js';

/**
 * What the run knows of one Galera member, in inventory order: the `galera_state` fact (and, after a
 * `needs-recovery` decision, what `mariadbd --wsrep-recover` printed, parsed by `parseWsrepRecover`), or why the
 * member could not be read (unreachable host, fact failure).
 */
export type MemberState =
  | { node: string; state: GaleraState; recovered?: WsrepRecovery }
  | { node: string; unreadable: string };

/**
 * One member as the run read it: its `galera_state` (undefined: not read, `unreadable` says why), with the
 * recorded `--wsrep-recover` output parsed — it counts only while the server stays stopped (the fact drops it once
 * grastate.dat changed, which any start does).
 */
export function memberOf(node: string, state: GaleraState | undefined, unreadable: string): MemberState {
  if (state === undefined) return { node, unreadable };
  return state.recovery && !state.running
    ? { node, state, recovered: parseWsrepRecover(state.recovery.output, state.recovery.exitCode) }
    : { node, state };
}

/** What the server on a member is doing. */
export type Activity =
  /** No server process and the unit is not starting. */
  | { kind: 'down' }
  /** Runs in the Primary component (wsrep_cluster_status Primary). */
  | { kind: 'primary'; status: string }
  /** Runs, in a non-Primary component (lost quorum after a partition). */
  | { kind: 'non-primary'; status: string }
  /** Runs without a cluster (Disconnected, or wsrep off: Debian starts the server at package install). */
  | { kind: 'standalone' }
  /** The unit is activating/deactivating: a start (SST, recovery) or a stop in progress. */
  | { kind: 'busy'; why: string }
  /** Runs, but its wsrep status could not be read. */
  | { kind: 'unknown'; why: string };

/** Where the member's data stands in its cluster's history. */
export type Position =
  /** No cluster history: it joins by a full state transfer (SST). */
  | { kind: 'none'; why: string }
  | { kind: 'known'; uuid: string; seqno: number; from: 'grastate' | 'recovery' }
  /** Only InnoDB knows (seqno -1, partial or missing grastate.dat with data): run `--wsrep-recover`. */
  | { kind: 'unknown'; why: string }
  /** `--wsrep-recover` ran and gave no usable position. */
  | { kind: 'lost'; why: string; recovery: WsrepRecovery };

export type MemberView =
  | { node: string; readable: false; why: string; uuid: null; description: string }
  | {
      node: string;
      readable: true;
      state: GaleraState;
      activity: Activity;
      grastate: Grastate | null;
      position: Position;
      /** The cluster history its data belongs to (running cluster, recovery or grastate.dat); null: none. */
      uuid: string | null;
      /** safe_to_bootstrap: 1 with a cluster uuid and a known seqno (ignored with seqno -1, as ClusterLabs does). */
      claimsSafeToBootstrap: boolean;
      /** One line for messages: the node and what was found there. */
      description: string;
    };
export type ReadableView = Extract<MemberView, { readable: true }>;

const BUSY_UNIT_STATES = new Set(['activating', 'deactivating', 'reloading', 'refreshing']);

function activityOf(s: GaleraState): Activity {
  if (s.unit !== null && BUSY_UNIT_STATES.has(s.unit)) return { kind: 'busy', why: `mariadb is ${s.unit}` };
  if (!s.running) return { kind: 'down' };
  const st = s.status;
  if (st === null || !st.ok) return { kind: 'unknown', why: st?.error ?? 'no status' };
  if (st.clusterStatus === 'Primary') return { kind: 'primary', status: st.clusterStatus };
  if (st.clusterStatus === 'non-Primary') return { kind: 'non-primary', status: st.clusterStatus };
  return { kind: 'standalone' };
}

function recoveredPosition(r: WsrepRecovery, g: Grastate | null): Position {
  if (r.kind === 'skipped')
    return { kind: 'lost', why: 'wsrep is off in its configuration: --wsrep-recover skipped', recovery: r };
  if (r.kind === 'failed')
    return {
      kind: 'lost',
      why: `--wsrep-recover failed${r.preparedTransactions ? ' (prepared transactions)' : ''}`,
      recovery: r,
    };
  if (hasClusterUuid(r.uuid))
    return r.seqno >= 0
      ? { kind: 'known', uuid: r.uuid, seqno: r.seqno, from: 'recovery' }
      : { kind: 'lost', why: `seqno still -1 after --wsrep-recover (uuid ${r.uuid})`, recovery: r };
  if (r.seqno >= 0)
    return { kind: 'lost', why: `--wsrep-recover gave seqno ${r.seqno} without a cluster uuid`, recovery: r };
  if (g !== null && hasClusterUuid(g.uuid))
    return {
      kind: 'lost',
      why: `grastate.dat names cluster ${g.uuid} but InnoDB holds no wsrep position (--wsrep-recover: ${ZERO_UUID}:-1)`,
      recovery: r,
    };
  return { kind: 'none', why: 'no replicated transaction in InnoDB (--wsrep-recover found none)' };
}

function positionOf(s: GaleraState, g: Grastate | null, recovered: WsrepRecovery | undefined): Position {
  if (g !== null && hasClusterUuid(g.uuid) && g.seqno !== null && g.seqno >= 0)
    return { kind: 'known', uuid: g.uuid, seqno: g.seqno, from: 'grastate' };
  if (!s.datadirInitialised)
    return {
      kind: 'none',
      why: `${g === null ? 'no grastate.dat' : 'no position'}, datadir not initialised`,
    };
  if (recovered) return recoveredPosition(recovered, g);
  if (g === null) return { kind: 'unknown', why: 'no grastate.dat but an initialised datadir' };
  if (hasClusterUuid(g.uuid)) return { kind: 'unknown', why: 'seqno -1 (a crash, or it was running)' };
  return { kind: 'unknown', why: g.problems.length ? 'grastate.dat is partial' : 'no cluster uuid saved' };
}

function activityText(a: Activity, s: GaleraState): string {
  const st = s.status;
  const detail = st
    ? [
        st.localStateComment,
        st.clusterSize === null ? null : `cluster size ${st.clusterSize}`,
        st.clusterStateUuid && `cluster uuid ${st.clusterStateUuid}`,
        st.lastCommitted === null ? null : `last committed ${st.lastCommitted}`,
      ].filter((x) => x)
    : [];
  const pid = s.pids.length ? ` (pid ${s.pids.join(' ')})` : '';
  switch (a.kind) {
    case 'down':
      return `not running${s.unit && s.unit !== 'inactive' ? ` (unit ${s.unit})` : ''}`;
    case 'primary':
    case 'non-primary':
      return `running${pid}, ${a.status}${detail.length ? `, ${detail.join(', ')}` : ''}`;
    case 'standalone':
      return `running${pid} without a cluster (wsrep_cluster_status ${st?.clusterStatus ?? 'absent'})`;
    case 'busy':
      return `${a.why}${pid}`;
    case 'unknown':
      return `running${pid}, wsrep status unreadable (${a.why})`;
  }
}

/** Classifies one member: what runs, where its data stands, which cluster it belongs to. */
export function viewOf(m: MemberState): MemberView {
  if ('unreadable' in m)
    return {
      node: m.node,
      readable: false,
      why: m.unreadable,
      uuid: null,
      description: `${m.node}: unreadable (${m.unreadable})`,
    };
  const s = m.state;
  const g = parseGrastate(s.grastate);
  const activity = activityOf(s);
  const savedUuid = g !== null && hasClusterUuid(g.uuid) ? g.uuid : null;
  let position = positionOf(s, g, m.recovered);
  // A server running without a cluster and without saved cluster state has no history to recover.
  if (activity.kind === 'standalone' && savedUuid === null)
    position = { kind: 'none', why: 'runs without a cluster, no cluster state saved' };
  const runningUuid =
    activity.kind === 'primary' || activity.kind === 'non-primary' ? s.status?.clusterStateUuid : null;
  const uuid =
    runningUuid || (position.kind === 'known' ? position.uuid : position.kind === 'none' ? null : savedUuid);
  const claimsSafeToBootstrap =
    g?.safeToBootstrap === true && savedUuid !== null && g.seqno !== null && g.seqno >= 0;
  const notes = [
    activityText(activity, s),
    describeGrastate(g),
    s.datadirInitialised ? 'datadir initialised' : 'datadir not initialised',
  ];
  if (m.recovered) notes.push(describeRecovery(m.recovered));
  if (g?.safeToBootstrap === true && savedUuid !== null && !claimsSafeToBootstrap)
    notes.push('safe_to_bootstrap=1 ignored (seqno -1: not a clean shutdown)');
  return {
    node: m.node,
    readable: true,
    state: s,
    activity,
    grastate: g,
    position,
    uuid,
    claimsSafeToBootstrap,
    description: `${m.node}: ${notes.join('; ')}`,
  };
}
