import { describe, expect, it } from 'vitest';
import {
  BOOTSTRAP_NODE_FLAG,
  type BootstrapDecision,
  chooseBootstrap,
  type Decision,
  GaleraBootstrapError,
  type MemberState,
} from '../../../src/components/galera/bootstrap-choice.js';
import { parseWsrepRecover, ZERO_UUID } from '../../../src/components/galera/grastate.js';
import { describeStep, joinPlan } from '../../../src/components/galera/join-plan.js';
import { down, fixture, grastate, recovered, UUID_A, UUID_B, unreadable, up } from './support.js';

/** The refusal chooseBootstrap throws (failing loudly, with the decision, when it decides instead). */
function refusal(members: MemberState[], force?: string): GaleraBootstrapError {
  let d: Decision | undefined;
  try {
    d = chooseBootstrap(members, force === undefined ? {} : { force });
  } catch (e) {
    expect(e, 'a GaleraBootstrapError').toBeInstanceOf(GaleraBootstrapError);
    const err = e as GaleraBootstrapError;
    expect(err.exitCode).toBe(4);
    expect(err.message).toContain('Nothing was started.');
    for (const m of members) expect(err.message, `the message names ${m.node}`).toContain(`  ${m.node}: `);
    return err;
  }
  throw new Error(`expected a refusal, got the decision ${JSON.stringify(d, null, 2)}`);
}

function bootstrap(d: Decision): BootstrapDecision {
  if (d.kind !== 'fresh' && d.kind !== 'recover')
    throw new Error(`expected a bootstrap, got ${d.kind}: ${d.reason}`);
  return d;
}
const steps = (d: Decision) => joinPlan(d).steps.map(describeStep);

const crashed = fixture('grastate/crashed.dat'); // UUID_A, -1, safe_to_bootstrap 0
const parseRecover = (name: string, exitCode: number) =>
  parseWsrepRecover(fixture(`recover/${name}`), exitCode);

describe('a Primary component runs: nobody bootstraps', () => {
  it('a healthy cluster: nothing to start, no step (a rerun changes nothing)', () => {
    const d = chooseBootstrap([up('node1'), up('node2'), up('node3')]);
    expect(d).toMatchObject({
      kind: 'running',
      primary: ['node1', 'node2', 'node3'],
      join: [],
      leftAlone: [],
    });
    expect(d.reason).toBe(
      `a Primary component runs (node1, node2, node3; cluster uuid ${UUID_A}, size 3): nobody bootstraps; no member to start`,
    );
    expect(joinPlan(d)).toEqual({ decision: 'running', steps: [], changes: false, warnings: [] });
  });

  it('stopped members join it one at a time, a fresh one too; the cluster size grows by one each', () => {
    const d = chooseBootstrap(
      [
        up('node1', { clusterSize: 2 }),
        up('node2', { clusterSize: 2 }),
        down('node3', crashed),
        down('node4', null),
      ],
      { force: 'node3' },
    );
    expect(d).toMatchObject({ kind: 'running', join: [{ node: 'node3' }, { node: 'node4' }] });
    expect(d.warnings).toEqual([
      `${BOOTSTRAP_NODE_FLAG} node3 ignored: a Primary component runs (node1, node2)`,
    ]);
    expect(steps(d)).toEqual([
      'node3: systemctl start mariadb, wait Primary/Synced, size ≥ 3',
      'node4: systemctl start mariadb, wait Primary/Synced, size ≥ 4',
    ]);
  });

  it('a member in a non-Primary component (or joining), an unreadable one: left alone, said so', () => {
    const d = chooseBootstrap([
      up('node1', { clusterSize: 1 }),
      up('node2', { clusterStatus: 'non-Primary', localStateComment: 'Joining: receiving State Transfer' }),
      unreadable('node3'),
    ]);
    expect(d).toMatchObject({ kind: 'running', join: [], primary: ['node1'] });
    expect(d.warnings).toEqual([
      'node2 left as it is: in a non-Primary component: it rejoins by itself once it reaches the others (restart it if not)',
      'node3 left as it is: unreadable (ssh: connect ETIMEDOUT 10.0.0.13:22)',
    ]);
    expect(d.findings[1]).toContain(
      'node2: running (pid 4242), non-Primary, Joining: receiving State Transfer',
    );
  });

  it('refuses a stopped member whose saved state is another cluster’s', () => {
    const err = refusal([up('node1'), up('node2'), down('node3', grastate(UUID_B, 88, 0))]);
    expect(err.problem).toBe(
      `the saved state of node3 (uuid ${UUID_B}) belongs to another cluster than the running one (uuid ${UUID_A}); ` +
        'joining would replace its data by a full SST',
    );
    expect(err.message).toContain(
      `node3: not running; grastate.dat: uuid ${UUID_B}, seqno 88, safe_to_bootstrap 0`,
    );
    expect(err.message).toContain('remove grastate.dat on node3');
  });

  it('refuses two Primary components (split brain), by uuid or by size', () => {
    const byUuid = refusal([
      up('node1', { clusterSize: 1 }),
      up('node2', { clusterSize: 1, clusterStateUuid: UUID_B }),
    ]);
    expect(byUuid.problem).toBe(
      `node1, node2 are Primary in different clusters (${UUID_A} vs ${UUID_B}): split brain`,
    );
    const bySize = refusal([up('node1', { clusterSize: 1 }), up('node2', { clusterSize: 1 })]);
    expect(bySize.problem).toMatch(
      /^node1, node2 are all Primary but a component of 1 member\(s\) cannot hold them all/,
    );
  });
});

describe('members run but none is Primary: refused', () => {
  it('a non-Primary component after a partition, even with the flag', () => {
    const members = [
      up('node1', { clusterStatus: 'non-Primary', clusterSize: 1, lastCommitted: 1240 }),
      down('node2', crashed),
      down('node3', crashed),
    ];
    const err = refusal(members, 'node1');
    expect(err.problem).toBe(
      'mariadb runs on node1 (non-primary) but no member is in a Primary component: not bootstrapping',
    );
    expect(err.findings[0]).toBe(
      `node1: running (pid 4242), non-Primary, Synced, cluster size 1, cluster uuid ${UUID_A}, last committed 1240; ` +
        `grastate.dat: uuid ${UUID_A}, seqno -1, safe_to_bootstrap 0; datadir initialised`,
    );
    expect(err.message).toContain('pc.bootstrap=YES');
    expect(err.message).toContain(
      `${BOOTSTRAP_NODE_FLAG} NODE applies only once mariadb is stopped on every member`,
    );
  });

  it('a start in progress, a status that cannot be read, a server outside the cluster holding cluster state', () => {
    const busy = refusal([{ ...down('node1', crashed, { unit: 'activating' }) }, down('node2', crashed)]);
    expect(busy.problem).toContain('node1 (busy)');
    expect(busy.message).toContain('node1: mariadb is activating');
    expect(busy.message).toContain('wait until the start ends');
    const blind = refusal([up('node1', null), down('node2', crashed)]);
    expect(blind.message).toContain('node1: running (pid 4242), wsrep status unreadable (no status)');
    const outside = refusal([
      up('node1', { clusterStatus: 'Disconnected', clusterSize: 0, clusterStateUuid: null }, crashed),
      down('node2', crashed),
    ]);
    expect(outside.message).toContain(
      'node1: running (pid 4242) without a cluster (wsrep_cluster_status Disconnected)',
    );
    expect(outside.message).toContain('stop it (systemctl stop mariadb)');
  });
});

describe('a fresh cluster: the first member in inventory order', () => {
  it('no state anywhere (no grastate.dat, datadir not initialised)', () => {
    const d = bootstrap(
      chooseBootstrap(['node1', 'node2', 'node3'].map((n) => down(n, null, { datadir: false }))),
    );
    expect(d).toMatchObject({
      kind: 'fresh',
      forced: false,
      bootstrap: { node: 'node1', setSafeToBootstrap: false },
    });
    expect(d.reason).toBe(
      'no member has cluster state: a new cluster from node1, the first member in inventory order',
    );
    expect(steps(d)).toEqual([
      'node1: galera_new_cluster, wait Primary/Synced, size ≥ 1',
      'node2: systemctl start mariadb, wait Primary/Synced, size ≥ 2',
      'node3: systemctl start mariadb, wait Primary/Synced, size ≥ 3',
    ]);
  });

  it('Debian started MariaDB without wsrep at install: stop it on the first, restart the others', () => {
    const standalone = (n: string) =>
      up(n, { clusterStatus: 'Disconnected', clusterSize: 0, clusterStateUuid: null }, null);
    const d = chooseBootstrap(['node1', 'node2'].map(standalone));
    expect(steps(d)).toEqual([
      'node1: systemctl stop mariadb (runs without the cluster)',
      'node1: galera_new_cluster, wait Primary/Synced, size ≥ 1',
      'node2: systemctl restart mariadb, wait Primary/Synced, size ≥ 2',
    ]);
  });

  it('initialised datadirs without grastate.dat: recovered first, then fresh when InnoDB holds no position', () => {
    const first = chooseBootstrap(['node1', 'node2'].map((n) => down(n, null)));
    expect(first).toMatchObject({ kind: 'needs-recovery', nodes: ['node1', 'node2'] });
    expect(steps(first)).toEqual(['node1: mariadbd --wsrep-recover', 'node2: mariadbd --wsrep-recover']);
    expect(joinPlan(first).changes).toBe(false);
    const d = chooseBootstrap(['node1', 'node2'].map((n) => down(n, null, { recovered: 'zero.txt' })));
    expect(d).toMatchObject({ kind: 'fresh', bootstrap: { node: 'node1' } });
  });

  it('the operator may name the first node of a fresh cluster', () => {
    const d = bootstrap(
      chooseBootstrap(
        ['node1', 'node2'].map((n) => down(n, null, { datadir: false })),
        { force: 'node2' },
      ),
    );
    expect(d).toMatchObject({
      kind: 'fresh',
      forced: true,
      bootstrap: { node: 'node2' },
      join: [{ node: 'node1' }],
    });
  });
});

describe('after a full outage: the most advanced member', () => {
  it('clean shutdowns and a crash: recover the crashed one first, then the highest seqno', () => {
    const members = [
      down('node1', fixture('grastate/clean.dat')), // 5, safe_to_bootstrap 0
      down('node2', fixture('grastate/clean-last.dat')), // 7, safe_to_bootstrap 1
      down('node3', crashed),
    ];
    const first = chooseBootstrap(members);
    expect(first).toMatchObject({ kind: 'needs-recovery', nodes: ['node3'] });
    expect(first.reason).toBe(
      'no member is in a cluster; the position of node3 is only in InnoDB (node3: seqno -1 (a crash, or it was running)): ' +
        'run mariadbd --wsrep-recover there, then choose',
    );
    members[2] = down('node3', crashed, { recovered: 'success.txt' }); // UUID_A:5
    const d = bootstrap(chooseBootstrap(members));
    expect(d).toMatchObject({
      kind: 'recover',
      bootstrap: { node: 'node2', seqno: 7, setSafeToBootstrap: false },
    });
    expect(d.reason).toBe('highest seqno 7 (node2); node1 5, node3 5, recovered');
    expect(steps(d)).toEqual([
      'node2: galera_new_cluster, wait Primary/Synced, size ≥ 1',
      'node1: systemctl start mariadb, wait Primary/Synced, size ≥ 2',
      'node3: systemctl start mariadb, wait Primary/Synced, size ≥ 3',
    ]);
  });

  it('all crashed: every position recovered; safe_to_bootstrap written on the chosen one only', () => {
    const d = bootstrap(
      chooseBootstrap([
        down('node1', crashed, { recovered: recovered(UUID_A, 1230) }),
        down('node2', crashed, { recovered: recovered(UUID_A, 1234) }),
        down('node3', crashed, { recovered: recovered(UUID_A, 1229) }),
      ]),
    );
    expect(d.reason).toBe(
      'highest seqno 1234 (node2, recovered); node1 1230, recovered, node3 1229, recovered',
    );
    expect(steps(d)).toEqual([
      'node2: safe_to_bootstrap: 1 in grastate.dat',
      'node2: galera_new_cluster, wait Primary/Synced, size ≥ 1',
      'node1: systemctl start mariadb, wait Primary/Synced, size ≥ 2',
      'node3: systemctl start mariadb, wait Primary/Synced, size ≥ 3',
    ]);
  });

  it('a tie: safe_to_bootstrap=1 wins, else the first in inventory order — and the reason says which', () => {
    const flagged = chooseBootstrap([
      down('node1', grastate(UUID_A, 1234, 0)),
      down('node2', grastate(UUID_A, 1234, 1)),
    ]);
    expect(bootstrap(flagged).bootstrap.node).toBe('node2');
    expect(flagged.reason).toBe(
      'highest seqno 1234 (node2); node1 1234; node1, node2 tie at 1234: node2 has safe_to_bootstrap=1',
    );
    const plain = chooseBootstrap([
      down('node1', grastate(UUID_A, 1200, 0)),
      down('node2', grastate(UUID_A, 1234, 0)),
      down('node3', grastate(UUID_A, 1234, 0)),
    ]);
    expect(bootstrap(plain).bootstrap).toMatchObject({ node: 'node2', setSafeToBootstrap: true });
    expect(plain.reason).toBe(
      'highest seqno 1234 (node2); node1 1200, node3 1234; node2, node3 tie at 1234: none has safe_to_bootstrap=1, ' +
        'node2 is first in inventory order',
    );
  });

  it('members without state next to members with state: no disagreement, they join by full SST', () => {
    const d = bootstrap(
      chooseBootstrap([
        down('node1', null, { datadir: false }),
        down('node2', fixture('grastate/clean-last.dat')),
        down('node3', fixture('grastate/never-joined.dat'), { datadir: false }),
        down('node4', fixture('grastate/never-joined.dat'), { recovered: 'zero.txt' }),
      ]),
    );
    expect(d).toMatchObject({ kind: 'recover', bootstrap: { node: 'node2' } });
    expect(d.join.map((j) => j.node)).toEqual(['node1', 'node3', 'node4']);
    expect(d.reason).toBe(
      'highest seqno 7 (node2); node1, node3, node4 without cluster state join by full SST',
    );
  });

  it('a one-node cluster killed: its safe_to_bootstrap=1 with seqno -1 is ignored (as ClusterLabs does)', () => {
    const d = chooseBootstrap([down('node1', fixture('grastate/one-node-running.dat'))]);
    expect(d).toMatchObject({ kind: 'needs-recovery', nodes: ['node1'] });
    expect(d.findings[0]).toContain('safe_to_bootstrap=1 ignored (seqno -1: not a clean shutdown)');
  });
});

describe('refusals after a full outage', () => {
  it('members disagree on the cluster uuid: each node and uuid named', () => {
    const err = refusal([
      down('node1', grastate(UUID_A, 1234, 0)),
      down('node2', grastate(UUID_A, 1230, 0)),
      down('node3', grastate(UUID_B, 99, 1)),
    ]);
    expect(err.problem).toBe(
      `members disagree on the cluster uuid: ${UUID_A} (node1, node2) vs ${UUID_B} (node3)`,
    );
    expect(err.findings).toEqual([
      `node1: not running; grastate.dat: uuid ${UUID_A}, seqno 1234, safe_to_bootstrap 0; datadir initialised`,
      `node2: not running; grastate.dat: uuid ${UUID_A}, seqno 1230, safe_to_bootstrap 0; datadir initialised`,
      `node3: not running; grastate.dat: uuid ${UUID_B}, seqno 99, safe_to_bootstrap 1; datadir initialised`,
    ]);
  });

  it('a uuid disagreement that only the recovery shows', () => {
    const err = refusal([
      down('node1', grastate(UUID_A, 1234, 0)),
      down('node2', fixture('grastate/empty.dat'), { recovered: recovered(UUID_B, 40) }),
    ]);
    expect(err.problem).toBe(`members disagree on the cluster uuid: ${UUID_A} (node1) vs ${UUID_B} (node2)`);
    expect(err.message).toContain(
      `node2: not running; grastate.dat: uuid ?, seqno ?, safe_to_bootstrap ? (empty file`,
    );
    expect(err.message).toContain(`--wsrep-recover: ${UUID_B}:40`);
  });

  it('two members claim safe_to_bootstrap=1', () => {
    const err = refusal([down('node1', grastate(UUID_A, 1234, 1)), down('node2', grastate(UUID_A, 1234, 1))]);
    expect(err.problem).toMatch(
      /^node1, node2 both claim safe_to_bootstrap=1; Galera sets it only on the last member/,
    );
  });

  it('safe_to_bootstrap=1 on a member behind another one', () => {
    const err = refusal([down('node1', grastate(UUID_A, 1200, 1)), down('node2', grastate(UUID_A, 1234, 0))]);
    expect(err.problem).toBe(
      'node1 has safe_to_bootstrap=1 (it says it left the cluster last, cleanly) at seqno 1200, but node2 is at ' +
        '1234: the histories may have diverged (a member bootstrapped on its own?)',
    );
  });

  it('an unreadable member, unless the operator names the node to bootstrap', () => {
    const members = [
      down('node1', grastate(UUID_A, 1234, 0)),
      down('node2', grastate(UUID_A, 1240, 0)),
      unreadable('node3'),
    ];
    const err = refusal(members);
    expect(err.problem).toBe('cannot read node3: not bootstrapping without knowing every member');
    expect(err.message).toContain('node3: unreadable (ssh: connect ETIMEDOUT 10.0.0.13:22)');
    const d = bootstrap(chooseBootstrap(members, { force: 'node1' }));
    expect(d).toMatchObject({ kind: 'recover', forced: true, bootstrap: { node: 'node1', seqno: 1234 } });
    expect(d.join).toEqual([{ node: 'node2', restart: false }]);
    expect(d.leftAlone).toEqual([{ node: 'node3', why: 'unreadable (ssh: connect ETIMEDOUT 10.0.0.13:22)' }]);
    expect(d.reason).toBe(`node1 named with ${BOOTSTRAP_NODE_FLAG} (seqno 1234); hakit did not choose`);
    expect(d.warnings).toEqual([
      'node2 is ahead (seqno 1240 > 1234): its transactions after 1234 are lost when it rejoins',
      'node3 is left out (unreadable (ssh: connect ETIMEDOUT 10.0.0.13:22)): make sure mariadb does not run there; start it once it is back',
    ]);
  });

  it('a seqno still -1 after recovery, a failed recovery, prepared transactions, wsrep off', () => {
    const still = refusal([
      down('node1', grastate(UUID_A, 1234, 0)),
      down('node2', crashed, { recovered: recovered(UUID_A, -1) }),
    ]);
    expect(still.problem).toBe(
      `cannot recover the position of node2 (node2: seqno still -1 after --wsrep-recover (uuid ${UUID_A}))`,
    );
    const failed = refusal([down('node1', crashed, { recovered: parseRecover('error.txt', 1) })]);
    expect(failed.problem).toBe('cannot recover the position of node1 (node1: --wsrep-recover failed)');
    expect(failed.findings[0]).toContain(
      "--wsrep-recover failed (mariadbd --wsrep-recover exited with 1: mariadbd: Can't lock aria control file",
    );
    expect(failed.message).toContain('fix what mariadbd reported');
    const prepared = refusal([down('node1', crashed, { recovered: parseRecover('prepared.txt', 1) })]);
    expect(prepared.problem).toContain('--wsrep-recover failed (prepared transactions)');
    expect(prepared.message).toContain('run mariadbd --wsrep-recover --tc-heuristic-recover=rollback there');
    const off = refusal([down('node1', crashed, { recovered: 'skipped.txt' })]);
    expect(off.problem).toBe(
      'cannot recover the position of node1 (node1: wsrep is off in its configuration: --wsrep-recover skipped)',
    );
    const noHistory = refusal([down('node1', crashed, { recovered: 'zero.txt' })]);
    expect(noHistory.problem).toContain(
      `grastate.dat names cluster ${UUID_A} but InnoDB holds no wsrep position`,
    );
  });

  it('the flag naming a non-member, an unreadable member, or a member without state while others have some', () => {
    const members = [
      down('node1', grastate(UUID_A, 1234, 0)),
      down('node2', null, { datadir: false }),
      unreadable('node3'),
    ];
    expect(refusal(members, 'node9').problem).toBe(
      `${BOOTSTRAP_NODE_FLAG} node9 names no Galera member (members: node1, node2, node3)`,
    );
    expect(refusal(members, 'node3').problem).toBe(
      `${BOOTSTRAP_NODE_FLAG} node3: node3 could not be read (ssh: connect ETIMEDOUT 10.0.0.13:22)`,
    );
    expect(refusal(members, 'node2').problem).toBe(
      `${BOOTSTRAP_NODE_FLAG} node2: node2 has no cluster state (no grastate.dat, datadir not initialised) while ` +
        'node1 has: bootstrapping it would start an empty cluster, and every member joining it would lose its data to a full SST',
    );
  });

  it('the flag overrides a uuid disagreement, with a warning about the data replaced', () => {
    const d = chooseBootstrap(
      [down('node1', grastate(UUID_A, 1234, 0)), down('node2', grastate(UUID_B, 99, 0))],
      {
        force: 'node2',
      },
    );
    expect(bootstrap(d)).toMatchObject({
      kind: 'recover',
      forced: true,
      bootstrap: { node: 'node2', uuid: UUID_B },
    });
    expect(d.warnings).toEqual([
      `node1 has another cluster history (uuid ${UUID_A}): it rejoins by full SST, data replaced`,
    ]);
  });
});

describe('every refusal names the flag, each member, and what was found', () => {
  const cases: Array<[string, MemberState[], string | undefined]> = [
    ['no members', [], undefined],
    ['flag names a non-member', [down('node1', crashed)], 'nodeX'],
    [
      'split brain',
      [up('node1', { clusterSize: 1 }), up('node2', { clusterSize: 1, clusterStateUuid: UUID_B })],
      undefined,
    ],
    [
      'foreign state next to a running cluster',
      [up('node1'), down('node2', grastate(UUID_B, 1, 0))],
      undefined,
    ],
    ['non-Primary', [up('node1', { clusterStatus: 'non-Primary' }), down('node2', crashed)], undefined],
    ['unreadable', [down('node1', crashed), unreadable('node2')], undefined],
    ['two claims', [down('node1', grastate(UUID_A, 3, 1)), down('node2', grastate(UUID_A, 3, 1))], undefined],
    [
      'uuid disagreement',
      [down('node1', grastate(UUID_A, 3, 0)), down('node2', grastate(UUID_B, 3, 0))],
      undefined,
    ],
    [
      'claim behind',
      [down('node1', grastate(UUID_A, 2, 1)), down('node2', grastate(UUID_A, 3, 0))],
      undefined,
    ],
    ['seqno -1 after recovery', [down('node1', crashed, { recovered: recovered(UUID_A, -1) })], undefined],
    ['flag names an unreadable member', [down('node1', crashed), unreadable('node2')], 'node2'],
    [
      'flag names a member without state',
      [down('node1', null, { datadir: false }), down('node2', crashed)],
      'node1',
    ],
  ];
  it.each(cases)('%s', (_name, members, force) => {
    const err = refusal(members, force);
    expect(err.message, 'the refusal tells about the flag').toContain(BOOTSTRAP_NODE_FLAG);
    expect(err.message).toContain('What you can do:');
    expect(err.findings).toHaveLength(members.length);
  });

  it('the zero uuid is never a cluster of its own (fresh nodes do not disagree with each other)', () => {
    const d = chooseBootstrap([
      down('node1', fixture('grastate/never-joined.dat'), { recovered: 'zero.txt' }),
      down('node2', fixture('grastate/never-joined.dat'), { recovered: 'zero.txt' }),
    ]);
    expect(d.kind).toBe('fresh');
    expect(d.findings[0]).toContain(`uuid ${ZERO_UUID} (none)`);
  });
});
