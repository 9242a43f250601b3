import { BOOTSTRAP_NODE_FLAG as FLAG, GaleraBootstrapError } from './bootstrap-error.js';
import { positionWhy, runningWithoutPrimary, unrecoverable } from './explain.js';
import { type MemberState, type MemberView, type ReadableView, viewOf } from './member.js';

export { BOOTSTRAP_NODE_FLAG, GaleraBootstrapError } from './bootstrap-error.js';
export type { MemberState } from './member.js';

/** A member to start after the bootstrap node (or into the running cluster), one at a time. */
export interface JoinTarget {
  node: string;
  /** It runs without the cluster (Debian starts MariaDB at install): restart it instead of starting it. */
  restart: boolean;
}

interface DecisionBase {
  /** Why, in one or two sentences naming nodes and seqnos ("highest seqno 1234 (node2); node1 1230, …"). */
  reason: string;
  /** What the operator should know although the run goes on (a flag ignored, data an SST will replace…). */
  warnings: string[];
  /** One line per member: what was found there (inventory order). */
  findings: string[];
}

/** Members to leave as they are, and why (unreadable, non-Primary while another component is Primary, busy). */
export interface LeftAlone {
  node: string;
  why: string;
}

/** Some member runs in the Primary component: nobody bootstraps; the members that are down join it. */
export interface RunningDecision extends DecisionBase {
  kind: 'running';
  /** Members in the Primary component now; nothing is done to them. */
  primary: string[];
  clusterUuid: string | null;
  /** The Primary component's size now (garbd and members outside the inventory count too). */
  clusterSize: number;
  /** Empty on a healthy cluster: nothing to do, nothing restarted. */
  join: JoinTarget[];
  leftAlone: LeftAlone[];
}

/** The member to bootstrap with galera_new_cluster. */
export interface BootstrapNode {
  node: string;
  /** It runs without the cluster: stop it before galera_new_cluster (which only starts a stopped unit). */
  restart: boolean;
  /** Its grastate.dat exists and does not say safe_to_bootstrap: 1: write it there (and nowhere else). */
  setSafeToBootstrap: boolean;
  /** Its position, when known. */
  uuid: string | null;
  seqno: number | null;
}

/**
 * A new cluster (`fresh`: no member has cluster state; the first member in inventory order unless forced) or
 * the restart of a cluster after a full outage (`recover`: from the most advanced member). Then `join`, in order.
 */
export interface BootstrapDecision extends DecisionBase {
  kind: 'fresh' | 'recover';
  bootstrap: BootstrapNode;
  join: JoinTarget[];
  leftAlone: LeftAlone[];
  /** Chosen by the operator (`--galera-bootstrap-node`), not by hakit. */
  forced: boolean;
}

/**
 * Full outage, and some positions are only in InnoDB: run `mariadbd --wsrep-recover` on `nodes` (nothing else
 * is done), parse its output with `parseWsrepRecover`, put it in `recovered` of those members, and call
 * `chooseBootstrap` again.
 */
export interface NeedsRecoveryDecision extends DecisionBase {
  kind: 'needs-recovery';
  nodes: string[];
}

export type Decision = RunningDecision | BootstrapDecision | NeedsRecoveryDecision;

/**
 * Decides how the Galera members come up, from what was read on each of them (in inventory order):
 *
 * - `running`: some member is in a Primary component — nobody bootstraps, the members that are down join it
 *   (none on a healthy cluster: a rerun changes nothing). A member whose saved state belongs to another cluster
 *   uuid is refused; members in a non-Primary component or busy starting are left alone.
 * - `fresh`: no member has cluster state — bootstrap the first member in inventory order, the others join.
 *   Members without state next to members with state are not a disagreement: they join by full SST.
 * - `needs-recovery`: a full outage and some seqnos are unknown (-1, partial or missing grastate.dat over an
 *   initialised datadir): recover those first, then decide again.
 * - `recover`: a full outage — bootstrap the member with the highest seqno; on a tie the one with
 *   safe_to_bootstrap=1, else the first in inventory order (the reason says which rule chose).
 *
 * Throws GaleraBootstrapError (exit 4), nothing started, when: no member is Primary but one runs (non-Primary
 * after a partition, starting, status unreadable, or running outside the cluster with cluster state); a member
 * cannot be read; members disagree on the cluster uuid; two members claim safe_to_bootstrap=1; a claim sits on a
 * member that is not the most advanced; a position cannot be recovered; or `force` names no member, an
 * unreadable one, or one without state while others have some.
 *
 * `opts.force` is the member the operator named with `--galera-bootstrap-node` (BOOTSTRAP_NODE_FLAG): after a
 * full outage it is bootstrapped whatever the others say (unreadable members, uuid disagreement, claims,
 * unrecovered positions become warnings); it is ignored, with a warning, while a Primary component runs.
 */
export function chooseBootstrap(members: readonly MemberState[], opts: { force?: string } = {}): Decision {
  const views = members.map(viewOf);
  const findings = views.map((v) => v.description);
  const refuse = (problem: string, remedies: string[]) =>
    new GaleraBootstrapError(problem, findings, remedies);
  const names = views.map((v) => v.node);
  if (!views.length)
    throw refuse('no Galera members', [
      `list them under galera.members or give nodes the galera role; ${FLAG} NODE must name one of them`,
    ]);
  const { force } = opts;
  if (force !== undefined && !names.includes(force))
    throw refuse(`${FLAG} ${force} names no Galera member (members: ${names.join(', ')})`, [
      `name one of ${names.join(', ')} with ${FLAG}, or leave the flag out to let hakit choose`,
    ]);

  const readable = views.filter((v): v is ReadableView => v.readable);
  const primary = readable.filter((v) => v.activity.kind === 'primary');
  if (primary.length) return running(views, primary, findings, refuse, force);

  const blocking = readable.filter(
    (v) =>
      v.activity.kind === 'non-primary' ||
      v.activity.kind === 'busy' ||
      v.activity.kind === 'unknown' ||
      (v.activity.kind === 'standalone' && v.position.kind !== 'none'),
  );
  if (blocking.length) throw refuse(...runningWithoutPrimary(blocking));

  const unreadable = views.filter((v) => !v.readable);
  if (force !== undefined) return forced(views, force, findings, refuse);
  if (unreadable.length)
    throw refuse(
      `cannot read ${list(unreadable.map((v) => v.node))}: not bootstrapping without knowing every member`,
      [
        `make ${list(unreadable.map((v) => v.node))} reachable and rerun: a member hakit cannot see may run a ` +
          'Primary component, or hold the most advanced data',
        `if it is gone for good, check that mariadb does not run there and rerun with ${FLAG} NODE naming the ` +
          'member to bootstrap; the missing member joins when it is back',
      ],
    );

  checkUuids(readable, refuse);
  const claims = readable.filter((v) => v.claimsSafeToBootstrap);
  if (claims.length > 1)
    throw refuse(
      `${list(claims.map((v) => v.node))} ${claims.length === 2 ? 'both' : 'all'} claim safe_to_bootstrap=1; ` +
        'Galera sets it only on the last ' +
        'member to leave a cluster cleanly, so one of them was bootstrapped on its own (diverged histories?)',
      [
        `rerun with ${FLAG} NODE naming the member whose data to keep (the others rejoin by state transfer)`,
        'or set safe_to_bootstrap: 0 in grastate.dat on the members that were not last to leave, and rerun',
      ],
    );

  const unknown = readable.filter((v) => v.position.kind === 'unknown');
  if (unknown.length)
    return {
      kind: 'needs-recovery',
      nodes: unknown.map((v) => v.node),
      reason:
        `no member is in a cluster; the position of ${list(unknown.map((v) => v.node))} is only in InnoDB ` +
        `(${unknown.map((v) => `${v.node}: ${v.position.kind === 'unknown' ? v.position.why : ''}`).join('; ')}): ` +
        'run mariadbd --wsrep-recover there, then choose',
      warnings: [],
      findings,
    };

  const lost = readable.filter((v) => v.position.kind === 'lost');
  if (lost.length) throw refuse(...unrecoverable(lost));
  return mostAdvanced(readable, findings, refuse);
}

type Refuse = (problem: string, remedies: string[]) => GaleraBootstrapError;

const list = (xs: readonly string[]) => xs.join(', ');
const joinOf = (v: ReadableView): JoinTarget => ({ node: v.node, restart: v.activity.kind === 'standalone' });

function bootstrapNode(v: ReadableView): BootstrapNode {
  return {
    node: v.node,
    restart: v.activity.kind === 'standalone',
    setSafeToBootstrap: v.grastate !== null && v.grastate.safeToBootstrap !== true,
    uuid: v.position.kind === 'known' ? v.position.uuid : v.uuid,
    seqno: v.position.kind === 'known' ? v.position.seqno : null,
  };
}

/** Refuses when the members' data belong to different cluster histories (uuids). */
function checkUuids(views: readonly ReadableView[], refuse: Refuse): void {
  const byUuid = new Map<string, string[]>();
  for (const v of views) if (v.uuid) byUuid.set(v.uuid, [...(byUuid.get(v.uuid) ?? []), v.node]);
  if (byUuid.size < 2) return;
  const groups = [...byUuid].map(([u, ns]) => `${u} (${list(ns)})`);
  throw refuse(`members disagree on the cluster uuid: ${groups.join(' vs ')}`, [
    'if a member belongs to another cluster, remove it from galera.members (or its galera role) and rerun',
    `to keep one history, rerun with ${FLAG} NODE naming a member of it: members of the other history ` +
      'rejoin by full state transfer (their data replaced)',
  ]);
}

function running(
  views: readonly MemberView[],
  primary: readonly ReadableView[],
  findings: string[],
  refuse: Refuse,
  force: string | undefined,
): RunningDecision {
  const uuids = [...new Set(primary.map((v) => v.uuid).filter((u): u is string => !!u))];
  if (uuids.length > 1)
    throw refuse(
      `${list(primary.map((v) => v.node))} are Primary in different clusters (${uuids.join(' vs ')}): split brain`,
      [
        'decide which cluster keeps its data, stop mariadb on the members of the other one and remove their ' +
          'grastate.dat (they rejoin by full state transfer), then rerun',
        `${FLAG} applies only when no member runs: it cannot merge two clusters`,
      ],
    );
  const sizes = primary.map((v) => v.state.status?.clusterSize ?? 0);
  const smallest = Math.min(...sizes);
  if (smallest < primary.length)
    throw refuse(
      `${list(primary.map((v) => v.node))} are all Primary but a component of ${smallest} member(s) cannot ` +
        'hold them all: separate Primary components of one cluster (split brain)',
      [
        'decide which component keeps its data, stop mariadb on the members of the others and rerun (they ' +
          'rejoin by state transfer)',
        `${FLAG} applies only when no member runs`,
      ],
    );
  const clusterUuid = uuids[0] ?? null;
  const join: JoinTarget[] = [];
  const leftAlone: LeftAlone[] = [];
  const warnings: string[] = [];
  const foreign: ReadableView[] = [];
  for (const v of views) {
    if (!v.readable) {
      leftAlone.push({ node: v.node, why: `unreadable (${v.why})` });
      continue;
    }
    const a = v.activity;
    if (a.kind === 'primary') continue;
    if (a.kind === 'non-primary')
      leftAlone.push({
        node: v.node,
        why: 'in a non-Primary component: it rejoins by itself once it reaches the others (restart it if not)',
      });
    else if (a.kind === 'busy' || a.kind === 'unknown') leftAlone.push({ node: v.node, why: a.why });
    else if (v.uuid && clusterUuid && v.uuid !== clusterUuid) foreign.push(v);
    else join.push(joinOf(v));
  }
  if (foreign.length)
    throw refuse(
      `the saved state of ${list(foreign.map((v) => `${v.node} (uuid ${v.uuid})`))} belongs to another ` +
        `cluster than the running one (uuid ${clusterUuid}); joining would replace its data by a full SST`,
      [
        `if that data may go, remove grastate.dat on ${list(foreign.map((v) => v.node))} and rerun: it then ` +
          'joins by full state transfer',
        'if the member is not meant to be in this cluster, remove it from galera.members and rerun',
        `${FLAG} applies only when no member runs: it cannot merge two clusters`,
      ],
    );
  for (const l of leftAlone) warnings.push(`${l.node} left as it is: ${l.why}`);
  if (force !== undefined)
    warnings.push(`${FLAG} ${force} ignored: a Primary component runs (${list(primary.map((v) => v.node))})`);
  const clusterSize = Math.max(...sizes);
  const head =
    `a Primary component runs (${list(primary.map((v) => v.node))}; cluster uuid ${clusterUuid ?? '?'}, ` +
    `size ${clusterSize}): nobody bootstraps`;
  return {
    kind: 'running',
    primary: primary.map((v) => v.node),
    clusterUuid,
    clusterSize,
    join,
    leftAlone,
    reason: join.length
      ? `${head}; ${list(join.map((j) => j.node))} join${join.length === 1 ? 's' : ''} it, one at a time`
      : `${head}; no member to start`,
    warnings,
    findings,
  };
}

const seqnoOf = (v: ReadableView) => (v.position.kind === 'known' ? v.position.seqno : -1);

/** Full outage, every position known (or none): the most advanced member, or a fresh cluster. */
function mostAdvanced(
  readable: readonly ReadableView[],
  findings: string[],
  refuse: Refuse,
): BootstrapDecision {
  const known = readable.filter((v) => v.position.kind === 'known');
  if (!known.length) {
    const first = readable[0] as ReadableView;
    return {
      kind: 'fresh',
      bootstrap: bootstrapNode(first),
      join: readable.filter((v) => v !== first).map(joinOf),
      leftAlone: [],
      forced: false,
      reason: `no member has cluster state: a new cluster from ${first.node}, the first member in inventory order`,
      warnings: [],
      findings,
    };
  }
  const top = Math.max(...known.map(seqnoOf));
  const tied = known.filter((v) => seqnoOf(v) === top);
  const claim = known.find((v) => v.claimsSafeToBootstrap);
  if (claim && seqnoOf(claim) < top)
    throw refuse(
      `${claim.node} has safe_to_bootstrap=1 (it says it left the cluster last, cleanly) at seqno ` +
        `${seqnoOf(claim)}, but ${list(tied.map((v) => v.node))} ${tied.length === 1 ? 'is' : 'are'} at ${top}: ` +
        'the histories may have diverged (a member bootstrapped on its own?)',
      [
        `rerun with ${FLAG} NODE naming the member whose data to keep (${tied[0]?.node} has the most transactions)`,
        `or set safe_to_bootstrap: 0 in ${claim.node}'s grastate.dat if that flag was set by hand, and rerun`,
      ],
    );
  const best = tied.find((v) => v.claimsSafeToBootstrap) ?? (tied[0] as ReadableView);
  const others = known.filter((v) => v !== best).map((v) => `${v.node} ${seqnoOf(v)}${fromRecovery(v)}`);
  const tie =
    tied.length < 2
      ? ''
      : `; ${list(tied.map((v) => v.node))} tie at ${top}: ${
          best.claimsSafeToBootstrap
            ? `${best.node} has safe_to_bootstrap=1`
            : `none has safe_to_bootstrap=1, ${best.node} is first in inventory order`
        }`;
  const empty = readable.filter((v) => v.position.kind === 'none').map((v) => v.node);
  const reason =
    `highest seqno ${top} (${best.node}${fromRecovery(best)})${others.length ? `; ${others.join(', ')}` : ''}${tie}` +
    (empty.length
      ? `; ${list(empty)} without cluster state join${empty.length === 1 ? 's' : ''} by full SST`
      : '');
  return {
    kind: 'recover',
    bootstrap: bootstrapNode(best),
    join: readable.filter((v) => v !== best).map(joinOf),
    leftAlone: [],
    forced: false,
    reason,
    warnings: [],
    findings,
  };
}

const fromRecovery = (v: ReadableView) =>
  v.position.kind === 'known' && v.position.from === 'recovery' ? ', recovered' : '';

/** Full outage and the operator named the member to bootstrap. */
function forced(
  views: readonly MemberView[],
  force: string,
  findings: string[],
  refuse: Refuse,
): BootstrapDecision {
  const chosen = views.find((v) => v.node === force) as MemberView;
  if (!chosen.readable)
    throw refuse(`${FLAG} ${force}: ${force} could not be read (${chosen.why})`, [
      `make ${force} reachable and rerun, or name another member with ${FLAG}`,
    ]);
  const readable = views.filter((v): v is ReadableView => v.readable);
  const others = readable.filter((v) => v !== chosen);
  const withState = others.filter((v) => v.position.kind !== 'none' || v.uuid);
  if (chosen.position.kind === 'none' && withState.length)
    throw refuse(
      `${FLAG} ${force}: ${force} has no cluster state (${chosen.position.why}) while ` +
        `${list(withState.map((v) => v.node))} ${withState.length === 1 ? 'has' : 'have'}: bootstrapping it ` +
        'would start an empty cluster, and every member joining it would lose its data to a full SST',
      [
        `name a member with state: ${FLAG} ${withState[0]?.node}`,
        'to really start from empty data, remove grastate.dat on the other members first, then rerun',
      ],
    );
  const chosenSeqno = chosen.position.kind === 'known' ? chosen.position.seqno : null;
  const warnings: string[] = [];
  if (chosen.position.kind !== 'known')
    warnings.push(
      `${force}'s own position is not known (${positionWhy(chosen)}); MariaDB recovers it at start`,
    );
  for (const v of others) {
    if (v.uuid && chosen.uuid && v.uuid !== chosen.uuid)
      warnings.push(
        `${v.node} has another cluster history (uuid ${v.uuid}): it rejoins by full SST, data replaced`,
      );
    else if (v.position.kind === 'known' && chosenSeqno !== null && v.position.seqno > chosenSeqno)
      warnings.push(
        `${v.node} is ahead (seqno ${v.position.seqno} > ${chosenSeqno}): its transactions after ${chosenSeqno} ` +
          'are lost when it rejoins',
      );
    else if (v.position.kind === 'unknown' || v.position.kind === 'lost')
      warnings.push(
        `${v.node}'s position is not known (${positionWhy(v)}): if it is ahead of ${force}, its extra ` +
          'transactions are lost when it rejoins',
      );
  }
  const leftAlone = views
    .filter((v) => !v.readable)
    .map((v) => ({ node: v.node, why: `unreadable (${v.why})` }));
  for (const l of leftAlone)
    warnings.push(
      `${l.node} is left out (${l.why}): make sure mariadb does not run there; start it once it is back`,
    );
  const everyoneEmpty = chosen.position.kind === 'none';
  return {
    kind: everyoneEmpty ? 'fresh' : 'recover',
    bootstrap: bootstrapNode(chosen),
    join: others.map(joinOf),
    leftAlone,
    forced: true,
    reason:
      `${force} named with ${FLAG}` +
      (chosenSeqno !== null ? ` (seqno ${chosenSeqno})` : everyoneEmpty ? ' (a new cluster)' : '') +
      `; hakit did not choose`,
    warnings,
    findings,
  };
}
