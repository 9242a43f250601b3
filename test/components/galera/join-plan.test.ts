import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chooseBootstrap } from '../../../src/components/galera/bootstrap-choice.js';
import {
  GALERA_NEW_CLUSTER,
  setSafeToBootstrapCommand,
  withSafeToBootstrap,
  wsrepRecoverCommand,
} from '../../../src/components/galera/commands.js';
import { parseGrastate, parseWsrepRecover } from '../../../src/components/galera/grastate.js';
import { describeStep, joinPlan } from '../../../src/components/galera/join-plan.js';
import { down, fixture, grastate, UUID_A, unreadable, up } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'hakit-galera-plan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sh = (script: string, env?: NodeJS.ProcessEnv) => {
  const r = spawnSync('sh', ['-c', script], { encoding: 'utf8', env: env ?? process.env });
  expect(r.error).toBeUndefined();
  return r;
};

describe('safe_to_bootstrap: 1, on the bootstrap node only', () => {
  const cases = ['clean.dat', 'crashed.dat', 'padded.dat', 'partial.dat', 'empty.dat', 'v20-cert-index.dat'];

  it.each(cases)('%s: the flag set, uuid and seqno untouched', (name) => {
    const before = parseGrastate(fixture(`grastate/${name}`));
    const after = parseGrastate(withSafeToBootstrap(fixture(`grastate/${name}`)));
    expect(after?.safeToBootstrap).toBe(true);
    expect(after?.uuid).toBe(before?.uuid);
    expect(after?.seqno).toBe(before?.seqno);
  });

  it('replaces the line in place, keeping Galera’s padding; adds one to a file without it', () => {
    expect(withSafeToBootstrap(fixture('grastate/crashed.dat'))).toBe(grastate(UUID_A, -1, 1));
    expect(withSafeToBootstrap(fixture('grastate/padded.dat'))).toBe(
      fixture('grastate/padded.dat').replace('safe_to_bootstrap: 0', 'safe_to_bootstrap: 1'),
    );
    expect(withSafeToBootstrap('')).toBe('safe_to_bootstrap: 1\n');
    expect(withSafeToBootstrap(fixture('grastate/partial.dat'))).toBe(
      `${fixture('grastate/partial.dat')}\nsafe_to_bootstrap: 1\n`,
    );
  });

  it.each(cases)('%s: the host command (sh) gives a file Galera reads the same way', (name) => {
    const f = join(dir, `it's ${name}`); // a quote and a space in the path
    writeFileSync(f, fixture(`grastate/${name}`));
    const r = sh(setSafeToBootstrapCommand(f));
    expect(r.status, r.stderr).toBe(0);
    const got = readFileSync(f, 'utf8');
    expect(parseGrastate(got)).toMatchObject({
      ...parseGrastate(withSafeToBootstrap(fixture(`grastate/${name}`))),
      problems: expect.any(Array),
    });
    if (/^safe_to_bootstrap:/m.test(fixture(`grastate/${name}`)))
      expect(got).toBe(withSafeToBootstrap(fixture(`grastate/${name}`)));
  });
});

describe('mariadbd --wsrep-recover, run for real against a stand-in', () => {
  it('its log on stdout, parsed into the position', () => {
    const bin = join(dir, 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(dir, 'recover.log'), fixture('recover/success.txt'));
    writeFileSync(
      join(bin, 'mariadbd'),
      `#!/bin/sh\nprintf '%s\\n' "$*" > '${dir}/mariadbd.args'\ncat '${dir}/recover.log' >&2\n`,
    );
    chmodSync(join(bin, 'mariadbd'), 0o755);
    expect(wsrepRecoverCommand()).toBe('mariadbd --user=mysql --wsrep-recover --disable-log-error 2>&1');
    const r = sh(wsrepRecoverCommand(), { ...process.env, PATH: `${bin}:${process.env.PATH}` });
    expect(parseWsrepRecover(r.stdout, r.status ?? -1)).toEqual({
      kind: 'recovered',
      uuid: UUID_A,
      seqno: 5,
    });
    expect(readFileSync(join(dir, 'mariadbd.args'), 'utf8')).toBe(
      '--user=mysql --wsrep-recover --disable-log-error\n',
    );
    expect(wsrepRecoverCommand({ binary: '/usr/sbin/mysqld', user: 'my sql' })).toBe(
      "/usr/sbin/mysqld --user='my sql' --wsrep-recover --disable-log-error 2>&1",
    );
  });
});

describe('joinPlan', () => {
  it('a forced recovery: warnings carried, the unreadable member not started', () => {
    const d = chooseBootstrap(
      [down('node1', grastate(UUID_A, 10, 0)), down('node2', grastate(UUID_A, 12, 1)), unreadable('node3')],
      {
        force: 'node1',
      },
    );
    const plan = joinPlan(d);
    expect(plan.decision).toBe('recover');
    expect(plan.changes).toBe(true);
    expect(plan.warnings).toEqual(d.warnings);
    expect(plan.steps).toEqual([
      { kind: 'set-safe-to-bootstrap', node: 'node1' },
      {
        kind: 'new-cluster',
        node: 'node1',
        command: GALERA_NEW_CLUSTER,
        wait: { clusterStatus: 'Primary', localState: 'Synced', minClusterSize: 1 },
      },
      {
        kind: 'join',
        node: 'node2',
        action: 'start',
        wait: { clusterStatus: 'Primary', localState: 'Synced', minClusterSize: 2 },
      },
    ]);
  });

  it('joining a running cluster counts from its current size (garbd included)', () => {
    const d = chooseBootstrap([up('node1', { clusterSize: 2 }), down('node2', null)]);
    expect(joinPlan(d).steps.map(describeStep)).toEqual([
      'node2: systemctl start mariadb, wait Primary/Synced, size ≥ 3',
    ]);
  });

  it('two members and garbd, all up: a component of 3 holding 2 members is no split brain, nothing to do', () => {
    const d = chooseBootstrap([up('node1', { clusterSize: 3 }), up('node2', { clusterSize: 3 })]);
    expect(d).toMatchObject({ kind: 'running', clusterSize: 3, join: [] });
    expect(joinPlan(d).steps).toEqual([]);
  });
});
