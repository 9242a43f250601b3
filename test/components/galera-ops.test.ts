import { describe, expect, it } from 'vitest';
import { GaleraBootstrapError } from '../../src/components/galera/bootstrap-error.js';
import type { MemberState } from '../../src/components/galera/member.js';
import {
  galeraBootstrapOp,
  galeraJoinOp,
  galeraUsersOp,
  memberStates,
} from '../../src/components/galera/ops.js';
import { factKey } from '../../src/facts/request.js';
import type { Step } from '../../src/ops/types.js';
import { down, grastate, UUID_A, up } from './galera/support.js';

const NODES = ['node1', 'node2', 'node3'].map((name) => ({ name, roles: ['pacemaker', 'galera'] }));
const args = (node: string, over: Record<string, unknown> = {}) =>
  galeraBootstrapOp.args.parse({ node, galera: { cluster_name: 'c' }, nodes: NODES, ...over });

/** The facts every member's planner sees: each member's galera_state, gathered on that member. */
function factsOf(members: MemberState[]) {
  const m = new Map<string, unknown>();
  for (const s of members) if ('state' in s) m.set(factKey({ fact: 'galera_state', host: s.node }), s.state);
  return m;
}
const commands = (steps: Step[]) => steps.map((s) => (s.kind === 'exec' ? s.command : `put ${s.path}`));

/** What Debian leaves right after `apt-get install mariadb-server`: a server running without wsrep, no grastate. */
const standalone = (node: string): MemberState => ({
  node,
  state: {
    unit: 'active',
    pids: [777],
    running: true,
    datadirInitialised: true,
    grastate: null,
    status: {
      ok: true,
      error: null,
      localStateComment: null,
      clusterStatus: null,
      clusterSize: null,
      clusterStateUuid: null,
      lastCommitted: null,
    },
  },
});

describe('galera_bootstrap / galera_join (planner, fixtures)', () => {
  const fresh = [standalone('node1'), standalone('node2'), standalone('node3')];

  it('a fresh cluster: only the first member bootstraps (stop the install-time server, galera_new_cluster, wait)', () => {
    const f = factsOf(fresh);
    const p1 = galeraBootstrapOp.plan(args('node1'), f);
    expect(commands(p1.steps).slice(0, 2)).toEqual(['systemctl stop mariadb', 'galera_new_cluster']);
    expect(p1.steps[2]?.kind === 'exec' && p1.steps[2].command).toMatch(/wsrep_cluster_status/);
    expect(p1.steps[2]?.kind === 'exec' && p1.steps[2].display).toMatch(/Primary\/Synced, cluster size >= 1/);
    expect(p1.noChange).toBeFalsy();
    for (const n of ['node2', 'node3']) expect(galeraBootstrapOp.plan(args(n), f).steps).toEqual([]);
  });

  it('a fresh cluster from stopped members with no data: galera_new_cluster without a stop', () => {
    const f = factsOf(['node1', 'node2', 'node3'].map((n) => down(n, null, { datadir: false })));
    expect(commands(galeraBootstrapOp.plan(args('node1'), f).steps)[0]).toBe('galera_new_cluster');
  });

  it('a running healthy cluster: no steps anywhere (rerun changed=0, nothing restarted)', () => {
    const f = factsOf([up('node1'), up('node2'), up('node3')]);
    for (const n of ['node1', 'node2', 'node3']) {
      expect(galeraBootstrapOp.plan(args(n), f).steps).toEqual([]);
      expect(galeraJoinOp.plan(args(n), f).steps).toEqual([]);
    }
  });

  it('a joiner restarts its install-time server and waits for Synced in a cluster one member larger', () => {
    const f = factsOf([up('node1', { clusterSize: 1 }), standalone('node2'), standalone('node3')]);
    expect(galeraJoinOp.plan(args('node1'), f).steps).toEqual([]);
    const p2 = galeraJoinOp.plan(args('node2'), f);
    // One step: the restart and the bounded wait (a failure of either names the joiner with the server's lines).
    expect(p2.steps).toHaveLength(1);
    const join = p2.steps[0];
    expect(join?.kind === 'exec' && join.command).toContain(
      'if ! out=$(systemctl restart mariadb 2>&1); then',
    );
    expect(join?.kind === 'exec' && join.display).toMatch(/^systemctl restart mariadb, .*cluster size >= 2/);
    expect(join?.kind === 'exec' && join.command).toMatch(/"\$\{sz:-0\}" -ge 2/);
    expect(join?.kind === 'exec' && join.command).toContain("'node2 did not join the Galera cluster: '");
    expect(join?.kind === 'exec' && join.timeoutMs).toBeGreaterThan(600_000);
    expect(galeraBootstrapOp.plan(args('node2'), f).steps).toEqual([]);
  });

  it('a stopped member of a running cluster starts (not restarts) into it', () => {
    const f = factsOf([
      up('node1', { clusterSize: 2 }),
      up('node2', { clusterSize: 2 }),
      down('node3', grastate(UUID_A, 1200, 0)),
    ]);
    const p3 = galeraJoinOp.plan(args('node3'), f);
    expect(p3.steps[0]?.kind === 'exec' && p3.steps[0].display).toMatch(
      /^systemctl start mariadb, .*cluster size >= 3/,
    );
  });

  it('serial joins read an older size of the first member (its cache predates the second join): no false split brain', () => {
    // node3's planner: node1 still says size 1 (read before node2 joined), node2 (which just changed) says 2.
    const members = [up('node1', { clusterSize: 1 }), up('node2', { clusterSize: 2 }), standalone('node3')];
    const aligned = memberStates(args('node3'), factsOf(members));
    expect(aligned.map((m) => ('state' in m ? m.state.status?.clusterSize : null))).toEqual([2, 2, null]);
    const p3 = galeraJoinOp.plan(args('node3'), factsOf(members));
    expect(p3.steps[0]?.kind === 'exec' && p3.steps[0].display).toMatch(/cluster size >= 3/);
  });

  it('a member outside the run is unreadable: no bootstrap, the refusal names it', () => {
    const f = factsOf([standalone('node1'), standalone('node2')]);
    expect(() => galeraBootstrapOp.plan(args('node1'), f)).toThrow(GaleraBootstrapError);
    expect(() => galeraBootstrapOp.plan(args('node1'), f)).toThrow(/cannot read node3/);
  });

  it('a full outage with unknown positions, galera_recover not run before: fails with what to do', () => {
    const f = factsOf(['node1', 'node2', 'node3'].map((n) => down(n, grastate(UUID_A, -1, 0))));
    expect(() => galeraBootstrapOp.plan(args('node1'), f)).toThrow(
      /--wsrep-recover.*--galera-bootstrap-node/s,
    );
  });

  it('after a full outage the most advanced member bootstraps, setting safe_to_bootstrap', () => {
    const f = factsOf([
      down('node1', grastate(UUID_A, 1200, 0)),
      down('node2', grastate(UUID_A, 1240, 0)),
      down('node3', grastate(UUID_A, 1230, 0)),
    ]);
    expect(galeraBootstrapOp.plan(args('node1'), f).steps).toEqual([]);
    const p2 = galeraBootstrapOp.plan(args('node2'), f);
    expect(p2.steps[0]?.kind === 'exec' && p2.steps[0].display).toBe('safe_to_bootstrap: 1 in grastate.dat');
    expect(commands(p2.steps)[0]).toContain('/var/lib/mysql/grastate.dat');
    expect(commands(p2.steps)[1]).toBe('galera_new_cluster');
  });

  it('members are galera.members when listed, else the nodes with the galera role', () => {
    const nodes = [...NODES, { name: 'web1', roles: ['haproxy'] }];
    expect(galeraBootstrapOp.facts(args('node1', { nodes }))).toHaveLength(3);
    expect(
      galeraBootstrapOp.facts(args('node1', { galera: { members: ['node1', 'node2'] } })).map((r) => r.host),
    ).toEqual(['node1', 'node2']);
    expect(() => galeraBootstrapOp.facts(args('web1', { nodes }))).toThrow(/not a Galera member/);
  });
});

describe('galera_users (planner)', () => {
  const uargs = (over: Record<string, unknown> = {}) =>
    galeraUsersOp.args.parse({
      check_user: 'clustercheck',
      check_credentials: '/etc/hakit/clustercheck.cnf',
      galera_cnf: '/etc/mysql/mariadb.conf.d/60-galera.cnf',
      ...over,
    });
  const own = (m: MemberState) =>
    new Map([[factKey({ fact: 'galera_state' }), 'state' in m ? m.state : null]]);

  it('on a Synced member: one step that reads the passwords on the host (never in the command), no change by itself', () => {
    const p = galeraUsersOp.plan(uargs({ sst_method: 'mariabackup' }), own(up('node1')));
    expect(p.steps).toHaveLength(1);
    expect(p.noChange).toBe(true);
    const s = p.steps[0];
    if (s?.kind !== 'exec') throw new Error('exec expected');
    expect(s.stdin).toBeUndefined();
    expect(s.command).toContain("sed -n 's/^password=//p' /etc/hakit/clustercheck.cnf");
    expect(s.command).toContain("sed -n 's/^wsrep_sst_auth=[^:]*://p'");
    expect(s.command).toContain("CREATE USER 'clustercheck'@'localhost'");
    expect(s.command).toContain(
      "GRANT RELOAD, PROCESS, LOCK TABLES, BINLOG MONITOR ON *.* TO 'sst'@'localhost'",
    );
    // Passwords only go through printf (a shell builtin) into mariadb's stdin.
    expect(s.command).not.toMatch(/mariadb[^|\n]*-p|--password/);
  });

  it('rsync SST: only the health-check user, with no privilege beyond USAGE', () => {
    const s = galeraUsersOp.plan(uargs(), own(up('node1'))).steps[0];
    expect(s?.kind === 'exec' && s.command).not.toContain('GRANT');
    expect(s?.kind === 'exec' && s.command).not.toContain("'sst'");
  });

  it('refuses on a member that is not Synced in a Primary component', () => {
    expect(() => galeraUsersOp.plan(uargs(), own(up('node1', { localStateComment: 'Joining' })))).toThrow(
      /not Synced in a Primary component/,
    );
    expect(() => galeraUsersOp.args.parse({ ...uargs(), check_user: "x'; DROP" })).toThrow();
  });
});
