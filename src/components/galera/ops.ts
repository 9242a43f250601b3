import { z } from 'zod';
import type { GaleraState } from '../../facts/galera-state.js';
import { need } from '../../ops/common.js';
import { PlanError } from '../../ops/errors.js';
import {
  type FactRequest,
  type FactValues,
  factKey,
  type Operation,
  type Plan,
  type Step,
} from '../../ops/types.js';
import { BOOTSTRAP_NODE_FLAG, chooseBootstrap, type Decision, type MemberState } from './bootstrap-choice.js';
import { recoverPositionCommand, setSafeToBootstrapCommand } from './commands.js';
import { DEFAULT_DATADIR, GALERA_RECOVERY_RECORD } from './facts.js';
import { describeStep, type JoinStep, joinPlan } from './join-plan.js';
import { joinCommand } from './join-script.js';
import { memberOf } from './member.js';
import {
  type DbUser,
  ensureUsersCommand,
  passwordOfOptionFile,
  passwordOfSstAuth,
  SQL_USER,
  SST_PRIVILEGES,
  waitSyncedCommand,
} from './scripts.js';

/**
 * The Galera start-up as playbook operations. Every member runs the same operation with every member's
 * `galera_state` (FactRequest.host: gathered on that member), so every member computes the SAME decision
 * (`chooseBootstrap`); the member the decision names acts, the others plan nothing:
 *
 * - `galera_recover`: after a full outage, each member whose position is only in InnoDB (seqno -1) runs
 *   `mariadbd --wsrep-recover` and records what it printed; the `galera_state` fact reads it back. Run it with
 *   `serial: 1` (a recovery runs a mariadbd process, which a member reading the others must not take for a
 *   server) before `galera_bootstrap`.
 * - `galera_bootstrap`: on a new cluster (or after a full outage) the chosen member runs galera_new_cluster and
 *   waits until it is Primary and Synced. Run it with `serial: 1`.
 * - `galera_join`: each member that is down (or runs without the cluster) starts and waits until it is Synced in
 *   a cluster one member larger. Run it with `serial: 1`: one joiner (one state transfer) at a time. A joiner that
 *   fails (its SST failed, its server aborted, the wait ran out) stops the run naming it, with the server's own
 *   error lines of that start (join-script.ts); the members already running are not touched.
 * - `galera_users`: the health-check user (and the SST user of mariabackup), once, on a Synced member.
 *
 * On a healthy running cluster the first two plan nothing: a rerun is changed=0 and restarts nothing.
 */

const nodeNameRe = /^[A-Za-z0-9._-]+$/;

const membersArgs = {
  /** The host running the task (`"{{ host }}"`). */
  node: z.string().regex(nodeNameRe),
  /** The inventory's galera section (`"{{ inventory.galera }}"`): its `members`, when listed. */
  galera: z.looseObject({ members: z.array(z.string().regex(nodeNameRe)).optional() }),
  /** The inventory's nodes (`"{{ nodes }}"`): members default to the nodes with the galera role. */
  nodes: z.array(z.looseObject({ name: z.string().regex(nodeNameRe), roles: z.array(z.string()) })),
  /**
   * The member to bootstrap after a full outage, whatever hakit would choose (BOOTSTRAP_NODE_FLAG; the playbook
   * passes `"{{ galera_bootstrap_node }}"`, null when the flag is not given).
   */
  force: z.string().regex(nodeNameRe).nullish(),
  /** The MariaDB datadir (grastate.dat lives there). */
  datadir: z.string().startsWith('/').default(DEFAULT_DATADIR),
  /** galera.cnf (`"{{ layout.galera }}"`): the SST password in it is masked in a failed join's server lines. */
  galera_cnf: z.string().startsWith('/').optional(),
  /** Seconds to wait for Primary/Synced after a start (an SST of a large dataset takes long). */
  timeout: z.number().int().min(1).max(86400).default(600),
};

export const galeraClusterArgs = z.strictObject(membersArgs);
type ClusterArgs = z.infer<typeof galeraClusterArgs>;

/** The Galera members, in inventory order. */
export function membersOf(a: Pick<ClusterArgs, 'galera' | 'nodes'>): string[] {
  return a.galera.members ?? a.nodes.filter((n) => n.roles.includes('galera')).map((n) => n.name);
}

const stateRequest = (a: ClusterArgs, host: string): FactRequest =>
  a.datadir === DEFAULT_DATADIR
    ? { fact: 'galera_state', host }
    : { fact: 'galera_state', args: { datadir: a.datadir }, host };

function clusterFacts(a: ClusterArgs): FactRequest[] {
  const members = membersOf(a);
  if (!members.includes(a.node))
    throw new PlanError(
      'galera',
      `${a.node} is not a Galera member (members: ${members.join(', ') || 'none'})`,
    );
  return members.map((m) => stateRequest(a, m));
}

/**
 * What the run knows of each member. A member whose fact is absent (outside the run, unreachable) is unreadable.
 *
 * The facts of OTHER members come from their caches, which a change on a third member does not refresh: in a
 * `serial: 1` join, the third joiner still has the first member's size from before the second joined. The
 * members Primary in one cluster (same state uuid) are one component, whose size is the largest any of them
 * reported; a real split (two components of one cluster) still shows: more Primary members than that size.
 */
export function memberStates(a: ClusterArgs, facts: FactValues): MemberState[] {
  const members = membersOf(a);
  const states: MemberState[] = members.map((node) => {
    const state = facts.get(factKey(stateRequest(a, node))) as GaleraState | undefined;
    return memberOf(node, state, 'not reachable in this run (or outside --limit)');
  });
  const largest = new Map<string, number>();
  for (const m of states)
    if ('state' in m && m.state.status?.clusterStatus === 'Primary' && m.state.status.clusterStateUuid) {
      const { clusterStateUuid: u, clusterSize } = m.state.status;
      largest.set(u, Math.max(largest.get(u) ?? 0, clusterSize ?? 0));
    }
  return states.map((m) => {
    if (!('state' in m) || m.state.status?.clusterStatus !== 'Primary') return m;
    const s = m.state.status;
    const size = s.clusterStateUuid ? largest.get(s.clusterStateUuid) : undefined;
    return size === undefined || size === s.clusterSize
      ? m
      : { node: m.node, state: { ...m.state, status: { ...s, clusterSize: size } } };
  });
}

function decide(a: ClusterArgs, facts: FactValues): Decision {
  return chooseBootstrap(memberStates(a, facts), a.force == null ? {} : { force: a.force });
}

const waitStep = (s: Extract<JoinStep, { wait: unknown }>, timeout: number): Step => ({
  kind: 'exec',
  command: waitSyncedCommand(s.wait.minClusterSize, timeout),
  timeoutMs: (timeout + 60) * 1000,
  display: `wait until Primary/Synced, cluster size >= ${s.wait.minClusterSize} (at most ${timeout} s)`,
});

/** The host commands of this member's steps of the plan (none when the decision names another member). */
function stepsFor(a: ClusterArgs, steps: readonly JoinStep[]): Step[] {
  const out: Step[] = [];
  const start = { timeoutMs: (a.timeout + 60) * 1000 };
  for (const s of steps) {
    if (s.node !== a.node) continue;
    switch (s.kind) {
      case 'wsrep-recover':
        out.push({
          kind: 'exec',
          command: recoverPositionCommand({
            datadir: a.datadir,
            grastate: `${a.datadir.replace(/\/+$/, '')}/grastate.dat`,
            timeoutS: a.timeout,
          }),
          display:
            'mariadbd --wsrep-recover (the position in InnoDB; no server started), recorded for the decision',
          ...start,
        });
        break;
      case 'stop':
        out.push({ kind: 'exec', command: 'systemctl stop mariadb', ...start });
        break;
      case 'set-safe-to-bootstrap':
        out.push({
          kind: 'exec',
          command: setSafeToBootstrapCommand(`${a.datadir.replace(/\/+$/, '')}/grastate.dat`),
          display: 'safe_to_bootstrap: 1 in grastate.dat',
        });
        break;
      case 'new-cluster':
        out.push({ kind: 'exec', command: s.command, ...start }, waitStep(s, a.timeout));
        break;
      case 'join':
        out.push({
          kind: 'exec',
          command: joinCommand({
            node: a.node,
            action: s.action,
            minClusterSize: s.wait.minClusterSize,
            timeoutS: a.timeout,
            galeraCnf: a.galera_cnf,
          }),
          display: `systemctl ${s.action} mariadb, wait until Primary/Synced, cluster size >= ${s.wait.minClusterSize} (at most ${a.timeout} s; on failure the server's error lines)`,
          timeoutMs: (2 * a.timeout + 60) * 1000,
        });
        break;
    }
  }
  return out;
}

/**
 * A full outage where some positions are still only in InnoDB when the bootstrap is decided: the
 * `galera_recover` task did not run before (a playbook without it, --limit, --tags). Nothing is started.
 */
function needsRecovery(d: Extract<Decision, { kind: 'needs-recovery' }>): never {
  throw new PlanError(
    'galera',
    [
      `Galera: ${d.reason}`,
      'Found:',
      ...d.findings.map((f) => `  ${f}`),
      'Nothing was started: the galera_recover task (playbooks/galera.yaml, before the bootstrap) did not run ' +
        'on them. What you can do:',
      '  - rerun hakit bootstrap on every Galera member (without --limit or --tags that leave that task out)',
      `  - or on ${d.nodes.join(', ')}: mariadbd --user=mysql --wsrep-recover --disable-log-error 2>&1 | grep 'WSREP: Recovered position'`,
      `    then rerun with ${BOOTSTRAP_NODE_FLAG} NODE naming the member with the highest seqno`,
    ].join('\n'),
  );
}

const touches = (a: ClusterArgs) => ({ tree: [a.datadir] });

/**
 * After a full outage, recovers this member's position from InnoDB when the decision needs it
 * (`needs-recovery` naming this member): `mariadbd --wsrep-recover` with no server started, its output
 * recorded (GALERA_RECOVERY_RECORD) for `galera_state`, so the bootstrap decision sees `recovered` positions.
 * Plans nothing on a running cluster, on a first bootstrap, when every position is known, or when the operator
 * named the bootstrap node. A refusal of the decision (uuids disagree, two claims, an unreadable member) is
 * raised here already, before anything runs. Run with `serial: 1`.
 */
export const galeraRecoverOp: Operation<ClusterArgs> = {
  name: 'galera_recover',
  args: galeraClusterArgs,
  facts: clusterFacts,
  plan(a, facts): Plan {
    const d = decide(a, facts);
    if (d.kind !== 'needs-recovery' || !d.nodes.includes(a.node)) return { steps: [] };
    const plan = joinPlan(d);
    return {
      summary: `position of ${a.node} recovered from InnoDB: ${d.reason}`,
      steps: stepsFor(a, plan.steps),
      touches: { tree: [a.datadir], exact: [GALERA_RECOVERY_RECORD] },
    };
  },
};

/**
 * Bootstraps a new cluster (or restarts one after a full outage) on the member the decision names: stop its
 * standalone server (Debian starts one at install), set safe_to_bootstrap when its grastate.dat needs it,
 * galera_new_cluster, wait until Primary/Synced. Every other member, and every member of a running cluster,
 * plans nothing. A refusal (GaleraBootstrapError, exit 4) names every member, what was found and what to do.
 */
export const galeraBootstrapOp: Operation<ClusterArgs> = {
  name: 'galera_bootstrap',
  args: galeraClusterArgs,
  facts: clusterFacts,
  plan(a, facts): Plan {
    const d = decide(a, facts);
    if (d.kind === 'needs-recovery') needsRecovery(d);
    if (d.kind === 'running' || d.bootstrap.node !== a.node) return { steps: [] };
    const plan = joinPlan(d);
    const steps = stepsFor(
      a,
      plan.steps.filter((s) => s.kind !== 'join'),
    );
    return {
      summary: `${d.kind === 'fresh' ? 'new cluster' : 'cluster restarted'} from ${a.node}: ${d.reason}`,
      steps,
      touches: touches(a),
    };
  },
};

/**
 * Starts this member into the running cluster when the decision lists it (down, or running without the
 * cluster: restarted), then waits until it is Synced in a cluster one member larger. Plans nothing on a member
 * already in the Primary component. Before any bootstrap (check mode) it shows what it would do.
 */
export const galeraJoinOp: Operation<ClusterArgs> = {
  name: 'galera_join',
  args: galeraClusterArgs,
  facts: clusterFacts,
  plan(a, facts): Plan {
    const d = decide(a, facts);
    if (d.kind === 'needs-recovery') needsRecovery(d);
    const mine = joinPlan(d).steps.filter((s) => s.kind === 'join' && s.node === a.node);
    if (!mine.length) return { steps: [] };
    return {
      summary: mine.map(describeStep).join('; '),
      steps: stepsFor(a, mine),
      touches: touches(a),
    };
  },
};

export const galeraUsersArgs = z.strictObject({
  /** The health-check user (`galera.check_user`). */
  check_user: z.string().regex(SQL_USER),
  /** clustercheck's option file (holds its password; hakit put it there, 0600). */
  check_credentials: z.string().startsWith('/'),
  /** `galera.sst.method`: mariabackup also needs an SST user. */
  sst_method: z.enum(['rsync', 'mariabackup']).default('rsync'),
  sst_user: z.string().regex(SQL_USER).default('sst'),
  /** galera.cnf (its wsrep_sst_auth holds the SST password). */
  galera_cnf: z.string().startsWith('/'),
  datadir: z.string().startsWith('/').default(DEFAULT_DATADIR),
});
type UsersArgs = z.infer<typeof galeraUsersArgs>;

const ownState = (a: UsersArgs): FactRequest =>
  a.datadir === DEFAULT_DATADIR
    ? { fact: 'galera_state' }
    : { fact: 'galera_state', args: { datadir: a.datadir } };

/**
 * The database accounts Galera needs, created once on one Synced member (`run_once`; accounts replicate): the
 * health-check user (USAGE only: clustercheck reads SHOW GLOBAL STATUS) and, for mariabackup, the SST user
 * (RELOAD, PROCESS, LOCK TABLES, BINLOG MONITOR). Passwords are read on the host from the files hakit put there
 * and go to `mariadb` on stdin. The step only changes what differs and prints `changed: …` lines: use
 * `changed_when: "'changed' in result.stdout"`.
 */
export const galeraUsersOp: Operation<UsersArgs> = {
  name: 'galera_users',
  args: galeraUsersArgs,
  facts: (a) => [ownState(a)],
  plan(a, facts): Plan {
    const s = need<GaleraState>('galera_users', facts, ownState(a));
    const st = s.status;
    if (!st?.ok || st.clusterStatus !== 'Primary' || st.localStateComment !== 'Synced')
      throw new PlanError(
        'galera_users',
        `this member is not Synced in a Primary component (${
          st
            ? `${st.clusterStatus ?? 'no wsrep'}/${st.localStateComment ?? '?'}${st.error ? `: ${st.error}` : ''}`
            : 'mariadb not running'
        }): accounts are created on a Synced member`,
      );
    const users: DbUser[] = [
      { name: a.check_user, passwordFrom: passwordOfOptionFile(a.check_credentials), privileges: [] },
    ];
    if (a.sst_method === 'mariabackup')
      users.push({
        name: a.sst_user,
        passwordFrom: passwordOfSstAuth(a.galera_cnf),
        privileges: SST_PRIVILEGES,
      });
    return {
      summary: `database accounts ${users.map((u) => `'${u.name}'@'localhost'`).join(', ')}`,
      steps: [
        {
          kind: 'exec',
          command: ensureUsersCommand(users),
          display: `create or update ${users.map((u) => u.name).join(', ')} (passwords read on the host, on mariadb's stdin)`,
          timeoutMs: 120_000,
        },
      ],
      noChange: true,
    };
  },
};
