import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GaleraBootstrapError } from '../../../src/components/galera/bootstrap-error.js';
import { recoverPositionCommand } from '../../../src/components/galera/commands.js';
import { galeraStateRequest } from '../../../src/components/galera/facts.js';
import {
  galeraBootstrapOp,
  galeraJoinOp,
  galeraRecoverOp,
  memberStates,
} from '../../../src/components/galera/ops.js';
import type { GaleraState } from '../../../src/facts/galera-state.js';
import { batchFactCommand, parseFactBatch } from '../../../src/facts/index.js';
import { factKey } from '../../../src/facts/request.js';
import type { Step } from '../../../src/ops/types.js';
import { fixture, grastate, UUID_A, UUID_B, up } from './support.js';

/**
 * Recovery after a full outage, as the playbook runs it: `galera_recover` on each member, one at a time (its
 * record read back by `galera_state`), then `galera_bootstrap` and `galera_join` deciding from the recovered
 * positions. And every refusal, as the operator reads it: what was found on each node (uuid, seqno,
 * safe_to_bootstrap, and how it was read), that nothing was started, what to do.
 */

const NODES = ['node1', 'node2', 'node3'].map((name) => ({ name, roles: ['pacemaker', 'galera'] }));
const args = (node: string, over: Record<string, unknown> = {}) =>
  galeraRecoverOp.args.parse({ node, galera: { cluster_name: 'c' }, nodes: NODES, force: null, ...over });

const crashed = (grastateText: string | null = grastate(UUID_A, -1, 0)): GaleraState => ({
  unit: 'failed',
  pids: [],
  running: false,
  datadirInitialised: true,
  grastate: grastateText,
  status: null,
});
/** The record `galera_recover` left (what the fact reads back while grastate.dat is unchanged). */
const withRecord = (s: GaleraState, output: string, exitCode = 0): GaleraState => ({
  ...s,
  recovery: { exitCode, output },
});
const position = (uuid: string, seqno: number) =>
  `2026-12-02 14:52:53 0 [Note] InnoDB: Completed initialization of buffer pool\n` +
  `2026-12-02 14:52:53 0 [Note] WSREP: Recovered position: ${uuid}:${seqno}\n`;

function factsOf(states: Record<string, GaleraState>) {
  const m = new Map<string, unknown>();
  for (const [node, s] of Object.entries(states)) m.set(factKey({ fact: 'galera_state', host: node }), s);
  return m;
}
const displays = (steps: Step[]) => steps.map((s) => s.display ?? (s.kind === 'exec' ? s.command : s.path));

/** The refusal an op raises, checked for what every refusal must say. */
function refusalOf(plan: () => unknown, nodes: string[]): GaleraBootstrapError {
  try {
    plan();
  } catch (e) {
    expect(e).toBeInstanceOf(GaleraBootstrapError);
    const err = e as GaleraBootstrapError;
    expect(err.exitCode).toBe(4);
    expect(err.message).toContain('\nNothing was started.\n');
    expect(err.message).toContain('What you can do:');
    expect(err.message).toContain('--galera-bootstrap-node NODE');
    for (const n of nodes) expect(err.message, `names ${n}`).toContain(`\n  ${n}: `);
    return err;
  }
  throw new Error('expected a refusal');
}

describe('galera_recover → galera_bootstrap → galera_join after a full outage', () => {
  it('every member crashed: each recovers its own position, one at a time, then the most advanced bootstraps', () => {
    const states: Record<string, GaleraState> = { node1: crashed(), node2: crashed(), node3: crashed() };
    // node1 first (serial: 1): the decision needs every unknown position; node1 plans only its own recovery.
    const p1 = galeraRecoverOp.plan(args('node1'), factsOf(states));
    expect(displays(p1.steps)).toEqual([
      'mariadbd --wsrep-recover (the position in InnoDB; no server started), recorded for the decision',
    ]);
    const cmd = p1.steps[0]?.kind === 'exec' ? p1.steps[0].command : '';
    expect(cmd).toContain('--wsrep-recover --disable-log-error');
    expect(cmd).toContain('rec=/var/lib/hakit/galera-recovery');
    expect(p1.summary).toMatch(/^position of node1 recovered from InnoDB: no member is in a cluster/);
    expect(p1.touches?.exact).toEqual(['/var/lib/hakit/galera-recovery']);
    // Before the recoveries, the bootstrap cannot decide (a playbook without galera_recover): it says so.
    expect(() => galeraBootstrapOp.plan(args('node1'), factsOf(states))).toThrow(
      /the galera_recover task .* did not run/,
    );
    states.node1 = withRecord(states.node1 as GaleraState, position(UUID_A, 1230));
    states.node2 = withRecord(states.node2 as GaleraState, position(UUID_A, 1240));
    expect(galeraRecoverOp.plan(args('node3'), factsOf(states)).steps).toHaveLength(1);
    states.node3 = withRecord(states.node3 as GaleraState, position(UUID_A, 1236));
    // Every position known: nothing more to recover anywhere (a rerun of the task changes nothing).
    for (const n of ['node1', 'node2', 'node3'])
      expect(galeraRecoverOp.plan(args(n), factsOf(states)).steps, n).toEqual([]);
    const f = factsOf(states);
    expect(galeraBootstrapOp.plan(args('node1'), f).steps).toEqual([]);
    expect(galeraBootstrapOp.plan(args('node3'), f).steps).toEqual([]);
    const b = galeraBootstrapOp.plan(args('node2'), f);
    expect(b.summary).toBe(
      'cluster restarted from node2: highest seqno 1240 (node2, recovered); node1 1230, recovered, node3 1236, recovered',
    );
    expect(displays(b.steps).slice(0, 2)).toEqual([
      'safe_to_bootstrap: 1 in grastate.dat',
      'galera_new_cluster',
    ]);
    // safe_to_bootstrap is written on node2 only; node1 and node3 join after it, in inventory order.
    for (const n of ['node1', 'node3']) {
      const j = galeraJoinOp.plan(args(n), f);
      expect(displays(j.steps)[0], n).toMatch(/^systemctl start mariadb, wait until Primary\/Synced/);
      expect(j.steps.some((s) => s.display?.includes('safe_to_bootstrap'))).toBe(false);
    }
    expect(displays(galeraJoinOp.plan(args('node3'), f).steps)[0]).toMatch(/cluster size >= 3/);
  });

  it('clean stops, then the last survivor crashed: only it recovers, and it bootstraps when it is ahead', () => {
    const states: Record<string, GaleraState> = {
      node1: crashed(grastate(UUID_A, 1200, 0)),
      node2: crashed(grastate(UUID_A, 1210, 0)),
      node3: crashed(grastate(UUID_A, -1, 1)), // alone in the cluster when killed: the flag is ignored
    };
    expect(galeraRecoverOp.plan(args('node1'), factsOf(states)).steps).toEqual([]);
    expect(galeraRecoverOp.plan(args('node3'), factsOf(states)).steps).toHaveLength(1);
    states.node3 = withRecord(states.node3 as GaleraState, position(UUID_A, 1225));
    const b = galeraBootstrapOp.plan(args('node3'), factsOf(states));
    expect(b.summary).toBe(
      'cluster restarted from node3: highest seqno 1225 (node3, recovered); node1 1200, node2 1210',
    );
    // Its grastate.dat already says safe_to_bootstrap: 1: nothing to write.
    expect(displays(b.steps)[0]).toBe('galera_new_cluster');
  });

  it('a record next to a running server is not a position (the server moved on)', () => {
    const running = up('node1');
    const state = {
      ...('state' in running ? running.state : crashed()),
      recovery: { exitCode: 0, output: position(UUID_A, 5) },
    };
    const [m] = memberStates(args('node1'), factsOf({ node1: state }));
    expect(m && 'recovered' in m).toBe(false);
  });

  it('nothing to recover on a running cluster, on a first bootstrap, with known positions, or with the flag', () => {
    const healthy = {
      node1: (up('node1') as { state: GaleraState }).state,
      node2: (up('node2') as { state: GaleraState }).state,
      node3: (up('node3') as { state: GaleraState }).state,
    };
    expect(galeraRecoverOp.plan(args('node1'), factsOf(healthy)).steps).toEqual([]);
    const fresh = {
      node1: { ...crashed(null), datadirInitialised: false },
      node2: { ...crashed(null), datadirInitialised: false },
      node3: { ...crashed(null), datadirInitialised: false },
    };
    expect(galeraRecoverOp.plan(args('node1'), factsOf(fresh)).steps).toEqual([]);
    const known = {
      node1: crashed(grastate(UUID_A, 5, 0)),
      node2: crashed(grastate(UUID_A, 7, 0)),
      node3: crashed(grastate(UUID_A, 6, 0)),
    };
    expect(galeraRecoverOp.plan(args('node1'), factsOf(known)).steps).toEqual([]);
    const all = { node1: crashed(), node2: crashed(), node3: crashed() };
    expect(galeraRecoverOp.plan(args('node1', { force: 'node2' }), factsOf(all)).steps).toEqual([]);
    const forced = galeraBootstrapOp.plan(args('node2', { force: 'node2' }), factsOf(all));
    expect(forced.summary).toMatch(/node2 named with --galera-bootstrap-node; hakit did not choose/);
    expect(galeraBootstrapOp.plan(args('node1', { force: 'node2' }), factsOf(all)).steps).toEqual([]);
  });
});

describe('refusals after a full outage: nothing started, every node’s findings, what to do', () => {
  it('members disagree on the cluster uuid: refused already at the recovery, before any mariadbd runs', () => {
    const f = factsOf({
      node1: crashed(grastate(UUID_A, 1200, 0)),
      node2: crashed(grastate(UUID_B, 1300, 0)),
      node3: crashed(),
    });
    const err = refusalOf(() => galeraRecoverOp.plan(args('node3'), f), ['node1', 'node2', 'node3']);
    expect(err.problem).toBe(
      `members disagree on the cluster uuid: ${UUID_A} (node1, node3) vs ${UUID_B} (node2)`,
    );
    expect(err.findings).toEqual([
      `node1: not running (unit failed); grastate.dat: uuid ${UUID_A}, seqno 1200, safe_to_bootstrap 0; datadir initialised`,
      `node2: not running (unit failed); grastate.dat: uuid ${UUID_B}, seqno 1300, safe_to_bootstrap 0; datadir initialised`,
      `node3: not running (unit failed); grastate.dat: uuid ${UUID_A}, seqno -1, safe_to_bootstrap 0; datadir initialised`,
    ]);
    expect(err.message).toContain('remove it from galera.members');
    // The same refusal at the bootstrap: nothing is started.
    refusalOf(() => galeraBootstrapOp.plan(args('node1'), f), ['node1', 'node2', 'node3']);
  });

  it('two members claim safe_to_bootstrap', () => {
    const f = factsOf({
      node1: crashed(grastate(UUID_A, 1234, 1)),
      node2: crashed(grastate(UUID_A, 1234, 1)),
      node3: crashed(grastate(UUID_A, 1230, 0)),
    });
    const err = refusalOf(() => galeraBootstrapOp.plan(args('node1'), f), ['node1', 'node2', 'node3']);
    expect(err.problem).toMatch(/^node1, node2 both claim safe_to_bootstrap=1/);
    expect(err.findings[0]).toContain(`grastate.dat: uuid ${UUID_A}, seqno 1234, safe_to_bootstrap 1`);
    expect(err.message).toContain(
      'set safe_to_bootstrap: 0 in grastate.dat on the members that were not last',
    );
    refusalOf(() => galeraRecoverOp.plan(args('node1'), f), ['node1', 'node2', 'node3']);
  });

  it('a seqno that cannot be recovered: the recorded failure, mariadbd’s own error lines', () => {
    const f = factsOf({
      node1: withRecord(crashed(), position(UUID_A, 1240)),
      node2: withRecord(crashed(), fixture('recover/error.txt'), 1),
      node3: withRecord(crashed(), position(UUID_A, -1)),
    });
    const err = refusalOf(() => galeraBootstrapOp.plan(args('node1'), f), ['node1', 'node2', 'node3']);
    expect(err.problem).toBe(
      'cannot recover the position of node2, node3 (node2: --wsrep-recover failed; ' +
        `node3: seqno still -1 after --wsrep-recover (uuid ${UUID_A}))`,
    );
    expect(err.findings[0]).toContain(`--wsrep-recover: ${UUID_A}:1240`);
    expect(err.findings[1]).toContain('--wsrep-recover failed (mariadbd --wsrep-recover exited with 1: ');
    expect(err.findings[1]).toContain("Can't lock aria control file");
    expect(err.message).toContain('fix what mariadbd reported');
    expect(err.message).toContain('remove its grastate.dat and rerun');
  });

  it('a member that cannot be read (outside the run, unreachable)', () => {
    const f = factsOf({ node1: crashed(), node2: crashed() });
    const err = refusalOf(() => galeraRecoverOp.plan(args('node1'), f), ['node1', 'node2', 'node3']);
    expect(err.problem).toBe('cannot read node3: not bootstrapping without knowing every member');
    expect(err.findings[2]).toBe('node3: unreadable (not reachable in this run (or outside --limit))');
    expect(err.message).toContain('rerun with --galera-bootstrap-node NODE naming the member to bootstrap');
  });
});

/**
 * The recovery script and the fact's reading of its record, run for real (dash and bash) against a temp
 * datadir, with stand-ins for mariadbd (printing a captured --wsrep-recover output), pidof and systemctl.
 */
describe('the recovery record, written and read back for real', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hakit-galera-recover-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function host(name: string, o: { output: string; rc?: number; running?: boolean }) {
    const root = join(dir, name);
    const bin = join(root, 'bin');
    const data = join(root, 'var/lib/mysql');
    mkdirSync(bin, { recursive: true });
    mkdirSync(join(data, 'mysql'), { recursive: true });
    writeFileSync(join(data, 'grastate.dat'), fixture('grastate/crashed.dat'));
    writeFileSync(join(root, 'output'), o.output);
    const tool = (t: string, body: string) => {
      writeFileSync(join(bin, t), `#!/bin/sh\n${body}\n`);
      chmodSync(join(bin, t), 0o755);
    };
    tool(
      'mariadbd',
      `printf '%s\\n' "$*" > '${root}/mariadbd.args'\ncat '${root}/output' >&2\nexit ${o.rc ?? 0}`,
    );
    tool('pidof', o.running ? 'echo 4242' : 'exit 1');
    tool('systemctl', `echo ${o.running ? 'active' : 'failed'}`);
    const record = join(root, 'var/lib/hakit/galera-recovery');
    return { root, bin, data, record, grastate: join(data, 'grastate.dat') };
  }
  const run = (shell: string, h: ReturnType<typeof host>, script: string) =>
    spawnSync(shell, ['-c', script], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${h.bin}:${process.env.PATH}` },
    });
  const recover = (h: ReturnType<typeof host>) =>
    recoverPositionCommand({ datadir: h.data, grastate: h.grastate, timeoutS: 30, record: h.record });
  function state(shell: string, h: ReturnType<typeof host>): GaleraState {
    const req = galeraStateRequest({ datadir: h.data, recovery_record: h.record });
    const r = run(shell, h, batchFactCommand([req]));
    return parseFactBatch([req], r.stdout).get(factKey(req)) as GaleraState;
  }

  for (const shell of ['sh', 'bash']) {
    it(`${shell}: a position recorded (0600), read back while grastate.dat is unchanged, stale once it changed`, () => {
      const h = host(`${shell}-ok`, { output: fixture('recover/success.txt') });
      const r = run(shell, h, recover(h));
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toBe(`2026-12-02 14:52:53 0 [Note] WSREP: Recovered position: ${UUID_A}:5\n`);
      expect(readFileSync(join(h.root, 'mariadbd.args'), 'utf8')).toBe(
        `--user=mysql --datadir=${h.data} --wsrep-recover --disable-log-error\n`,
      );
      expect(statSync(h.record).mode & 0o777).toBe(0o600);
      const s = state(shell, h);
      expect(s.recovery).toEqual({ exitCode: 0, output: fixture('recover/success.txt') });
      expect(s.recoveryStale).toBeUndefined();
      // A start rewrites grastate.dat: the record no longer counts.
      writeFileSync(h.grastate, fixture('grastate/crashed.dat').replace('seqno:   -1', 'seqno:   -1 '));
      const later = state(shell, h);
      expect(later.recovery).toBeUndefined();
      expect(later.recoveryStale).toBe(true);
    });

    it(`${shell}: a failed recovery is recorded with its exit code (the decision refuses, not the script)`, () => {
      const h = host(`${shell}-fail`, { output: fixture('recover/error.txt'), rc: 1 });
      const r = run(shell, h, recover(h));
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toBe(
        '--wsrep-recover gave no position (exit 1); recorded for the bootstrap decision\n',
      );
      expect(state(shell, h).recovery).toEqual({ exitCode: 1, output: fixture('recover/error.txt') });
    });

    it(`${shell}: refuses while a server runs, and runs nothing`, () => {
      const h = host(`${shell}-running`, { output: fixture('recover/success.txt'), running: true });
      const r = run(shell, h, recover(h));
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('a MariaDB server runs now: not recovering its position');
      expect(() => readFileSync(join(h.root, 'mariadbd.args'))).toThrow();
      expect(() => readFileSync(h.record)).toThrow();
    });
  }
});
