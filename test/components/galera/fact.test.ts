import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { galeraStateRequest, WSREP_STATUS_VARIABLES } from '../../../src/components/galera/facts.js';
import { batchFactCommand, getFact, parseFactBatch } from '../../../src/facts/index.js';
import { factKey } from '../../../src/facts/request.js';
import { fixture, UUID_A } from './support.js';

/** Parse like the batch does: the fact's parser, then its zod schema. */
function parse(stdout: string): unknown {
  const f = getFact('galera_state');
  return f.schema.parse(f.parse(stdout, 0, f.args?.parse(undefined)));
}
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('galera_state: the parser, fed what the snippet prints', () => {
  it('a stopped member after a crash: grastate.dat as is, no status', () => {
    const out = `U|inactive\nP|\nD|1\nF|${b64(fixture('grastate/crashed.dat'))}\n`;
    expect(parse(out)).toEqual({
      unit: 'inactive',
      pids: [],
      running: false,
      datadirInitialised: true,
      grastate: fixture('grastate/crashed.dat'),
      status: null,
    });
  });

  it('a fresh node: no grastate.dat, no datadir, no systemctl', () => {
    expect(parse('U|\nP|\nD|0\nG|absent\n')).toEqual({
      unit: null,
      pids: [],
      running: false,
      datadirInitialised: false,
      grastate: null,
      status: null,
    });
    expect(parse('U|failed\nP|\nD|1\nG|notfile\n')).toMatchObject({ unit: 'failed', grastate: null });
  });

  it('a Primary, Synced member: the status query’s tab-separated lines', () => {
    const out = `U|active\nP|4242\nD|1\nF|${b64(fixture('grastate/crashed.dat'))}\nS|0|${b64(fixture('status/primary.txt'))}\n`;
    expect(parse(out)).toMatchObject({
      running: true,
      pids: [4242],
      status: {
        ok: true,
        error: null,
        localStateComment: 'Synced',
        clusterStatus: 'Primary',
        clusterSize: 2,
        clusterStateUuid: UUID_A,
        lastCommitted: 10,
      },
    });
  });

  it('a joiner in a state transfer, and a server without wsrep (missing variables are null)', () => {
    const joining = parse(`U|active\nP|77\nD|1\nG|absent\nS|0|${b64(fixture('status/joining.txt'))}\n`);
    expect(joining).toMatchObject({
      status: {
        localStateComment: 'Joining: receiving State Transfer',
        clusterStatus: 'non-Primary',
        clusterSize: 0,
        clusterStateUuid: null,
        lastCommitted: 9,
      },
    });
    const standalone = parse(`U|active\nP|77\nD|1\nG|absent\nS|0|${b64(fixture('status/standalone.txt'))}\n`);
    expect(standalone).toMatchObject({
      status: {
        ok: true,
        localStateComment: null,
        clusterStatus: 'Disconnected',
        clusterSize: 0,
        clusterStateUuid: null,
        lastCommitted: null,
      },
    });
  });

  it('a running server whose status cannot be read: the client’s message, and timeouts', () => {
    const out = `U|active\nP|\nD|1\nG|absent\nS|1|${b64(fixture('status/no-server.txt'))}\n`;
    expect(parse(out)).toMatchObject({
      running: true,
      status: {
        ok: false,
        error:
          "exit 1: ERROR 2002 (HY000): Can't connect to local server through socket '/run/mysqld/mysqld.sock' (2)",
        clusterStatus: null,
      },
    });
    expect(parse('U|active\nP|\nD|1\nG|absent\nS|124|\n')).toMatchObject({
      status: { ok: false, error: 'timed out' },
    });
  });

  it('rejects output it cannot vouch for', () => {
    expect(() => parse('')).toThrow(/missing U\|, P\| or D\|/);
    expect(() => parse('U|inactive\nP|\nD|1\n')).toThrow(/missing grastate line/);
    expect(() => parse('U|inactive\nP|\nD|1\nG|absent\nS|0|\n')).toThrow(/status line present iff/);
    expect(() => parse('U|active\nP|1\nD|1\nG|absent\n')).toThrow(/status line present iff/);
    expect(() => parse('U|inactive\nP|abc\nD|1\nG|absent\n')).toThrow(/non-pid/);
    expect(() => parse('U|inactive\nP|\nD|1\nG|absent\nX|1\n')).toThrow(/unexpected line/);
    expect(() => parse(`U|active\nP|1\nD|1\nG|absent\nS|0|${b64('Uptime\t12\n')}\n`)).toThrow(
      /not a requested variable/,
    );
  });
});

/**
 * The snippet runs for real (dash and bash, in the batch like on a host) against a temp datadir, with
 * stand-ins for systemctl, pidof and mariadb on PATH that print what the real tools print (fixtures captured
 * from MariaDB 10.11.19 / Galera 26.4.23) and record how they were called.
 */
describe('galera_state, run for real', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hakit-galera-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function host(
    name: string,
    o: { unit: string; pids?: string; status?: string; rc?: number; grastate?: string; datadir?: boolean },
  ) {
    const root = join(dir, name);
    const bin = join(root, 'bin');
    const data = join(root, 'var/lib/mysql');
    mkdirSync(bin, { recursive: true });
    mkdirSync(data, { recursive: true });
    if (o.datadir !== false) mkdirSync(join(data, 'mysql'));
    if (o.grastate !== undefined) writeFileSync(join(data, 'grastate.dat'), o.grastate);
    writeFileSync(join(root, 'status'), o.status ?? '');
    const tool = (t: string, body: string) => {
      writeFileSync(join(bin, t), `#!/bin/sh\n${body}\n`);
      chmodSync(join(bin, t), 0o755);
    };
    tool(
      'systemctl',
      `printf '%s\\n' "$*" >> '${root}/systemctl.args'\necho '${o.unit}'\n[ '${o.unit}' = active ]`,
    );
    tool('pidof', o.pids ? `echo '${o.pids}'` : 'exit 1');
    tool(
      'mariadb',
      `for a do printf '%s\\n' "$a"; done > '${root}/mariadb.args'\ncat '${root}/status'\nexit ${o.rc ?? 0}`,
    );
    return { root, bin, data };
  }

  function gather(shell: string, h: { bin: string; data: string }) {
    const req = galeraStateRequest({ datadir: h.data });
    const script = batchFactCommand([req]);
    const r = spawnSync(shell, ['-c', script], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${h.bin}:${process.env.PATH}` },
    });
    expect(r.error).toBeUndefined();
    return { script, value: parseFactBatch([req], r.stdout).get(factKey(req)) };
  }

  for (const shell of ['sh', 'bash']) {
    it(`${shell}: a stopped member, its grastate.dat and datadir read`, () => {
      const h = host(`${shell}-down`, { unit: 'inactive', grastate: fixture('grastate/crashed.dat') });
      expect(gather(shell, h).value).toEqual({
        unit: 'inactive',
        pids: [],
        running: false,
        datadirInitialised: true,
        grastate: fixture('grastate/crashed.dat'),
        status: null,
      });
      expect(readFileSync(join(h.root, 'systemctl.args'), 'utf8')).toBe('is-active mariadb\n');
    });

    it(`${shell}: a fresh node (no grastate.dat, no mysql/ in the datadir)`, () => {
      const h = host(`${shell}-fresh`, { unit: 'inactive', datadir: false });
      expect(gather(shell, h).value).toMatchObject({
        datadirInitialised: false,
        grastate: null,
        status: null,
      });
    });

    it(`${shell}: a running member, queried as root through the socket with no password`, () => {
      const h = host(`${shell}-up`, {
        unit: 'active',
        pids: '4242',
        status: fixture('status/primary.txt'),
        grastate: fixture('grastate/padded.dat'),
      });
      const { script, value } = gather(shell, h);
      expect(value).toMatchObject({
        running: true,
        pids: [4242],
        grastate: fixture('grastate/padded.dat'),
        status: { ok: true, clusterStatus: 'Primary', localStateComment: 'Synced', clusterSize: 2 },
      });
      const args = readFileSync(join(h.root, 'mariadb.args'), 'utf8').split('\n');
      expect(args.slice(0, 4)).toEqual(['--connect-timeout=5', '-N', '-B', '-e']);
      expect(args[4]).toBe(
        `SHOW GLOBAL STATUS WHERE Variable_name IN (${WSREP_STATUS_VARIABLES.map((v) => `'${v}'`).join(',')})`,
      );
      expect(script, 'no password, user or host on any command line').not.toMatch(
        /-p|--password|-u |--user|-h /,
      );
    });

    it(`${shell}: a server that runs outside systemd (pid only) whose client fails`, () => {
      const h = host(`${shell}-orphan`, {
        unit: 'inactive',
        pids: '901 77',
        status: fixture('status/no-server.txt'),
        rc: 1,
      });
      expect(gather(shell, h).value).toMatchObject({
        unit: 'inactive',
        pids: [901, 77],
        running: true,
        status: { ok: false, error: expect.stringContaining('ERROR 2002 (HY000)') },
      });
    });
  }

  it('a grastate path of its own, and bad arguments never reach a shell', () => {
    const h = host('own-path', { unit: 'inactive' });
    writeFileSync(join(h.root, 'elsewhere.dat'), fixture('grastate/clean-last.dat'));
    const req = galeraStateRequest({
      datadir: h.data,
      grastate: join(h.root, 'elsewhere.dat'),
      unit: 'mysql',
    });
    const r = spawnSync('sh', ['-c', batchFactCommand([req])], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${h.bin}:${process.env.PATH}` },
    });
    expect(parseFactBatch([req], r.stdout).get(factKey(req))).toMatchObject({
      grastate: fixture('grastate/clean-last.dat'),
    });
    expect(readFileSync(join(h.root, 'systemctl.args'), 'utf8')).toBe('is-active mysql\n');
    expect(() => batchFactCommand([galeraStateRequest({ datadir: 'relative/dir' })])).toThrow(
      /absolute path/,
    );
    expect(() => batchFactCommand([{ fact: 'galera_state', args: { datadir: '/x', extra: 1 } }])).toThrow(
      /invalid arguments/,
    );
  });
});
