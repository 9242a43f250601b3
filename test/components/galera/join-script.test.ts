import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  joinCommand,
  MASK,
  SERVER_ERROR_LINES,
  serverErrorFilter,
} from '../../../src/components/galera/join-script.js';
import { fixture } from './support.js';

const SHELLS = ['sh', 'bash'];

function filter(shell: string, input: string, env: Record<string, string> = {}): string[] {
  const r = spawnSync(shell, ['-c', serverErrorFilter()], {
    input,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
  });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split('\n').filter(Boolean);
}

describe('the server error lines of a failed join (journal fixtures, run by sh and bash)', () => {
  for (const shell of SHELLS) {
    it(`${shell}: a joiner whose rsync SST failed: its [ERROR] and failure lines, nothing of the routine`, () => {
      const journal = fixture('join/rsync-sst-failed.txt');
      const lines = filter(shell, journal);
      expect(lines.length).toBeGreaterThan(2);
      expect(lines.length).toBeLessThanOrEqual(SERVER_ERROR_LINES);
      // Captured on the shared cluster: the SST script's error, mariadbd's, and how systemd saw the unit end.
      expect(lines).toEqual([
        "WSREP_SST: [ERROR] 'rsync' not found in path (20261203 10:32:19.480)",
        expect.stringMatching(
          /^2026-12-03 10:32:19 0 \[ERROR\] WSREP: Failed to read 'ready <addr>' \(got '\(null\)'\) from: wsrep_sst_rsync --role 'joiner'/,
        ),
        expect.stringMatching(
          /^2026-12-03 10:32:19 0 \[ERROR\] WSREP: Process completed with error: wsrep_sst_rsync .*: 2 \(No such file or directory\)$/,
        ),
        "2026-12-03 10:32:19 2 [ERROR] WSREP: Failed to prepare for 'rsync' SST. Unrecoverable.",
        '2026-12-03 10:32:19 2 [ERROR] WSREP: SST request callback failed. This is unrecoverable, restart required.',
        'mariadb.service: Main process exited, code=killed, status=6/ABRT',
        "mariadb.service: Failed with result 'signal'.",
      ]);
      // Routine lines of the same start are not (a [Note] that says "failed" among them).
      expect(journal).toContain('[Note] WSREP: restore pc from disk failed');
      expect(lines.join('\n')).not.toContain('[Note]');
      // The last lines of the journal's errors, in order.
      const all = journal.split('\n').filter((l) => lines.includes(l));
      expect(all).toEqual(lines);
    });

    it(`${shell}: bounded to the last ${SERVER_ERROR_LINES} lines`, () => {
      const many = Array.from({ length: 40 }, (_, i) => `2026-12-03 10:00:00 0 [ERROR] WSREP: error ${i}`);
      const lines = filter(shell, `${many.join('\n')}\n`);
      expect(lines).toEqual(many.slice(-SERVER_ERROR_LINES));
    });

    it(`${shell}: passwords masked — by pattern, and the SST password wherever it stands`, () => {
      const pw = `s3cr'et\\x"&/`;
      const input = [
        `2026-12-03 10:00:00 0 [ERROR] WSREP: auth failed: password=hunter2 user=sst`,
        `2026-12-03 10:00:00 0 [ERROR] mariabackup --user=sst --password hunter3 --backup failed`,
        `2026-12-03 10:00:00 0 [ERROR] WSREP: bad wsrep_sst_auth=sst:hunter4, giving up`,
        `WSREP_SST: [ERROR] Access denied for user 'sst' using ${pw} at donor (20261203 10:00:00.000)`,
        `2026-12-03 10:00:00 0 [ERROR] WSREP: ${pw}${pw}`,
      ].join('\n');
      const out = filter(shell, `${input}\n`, { HAKIT_SST_PW: pw }).join('\n');
      for (const secret of ['hunter2', 'hunter3', 'hunter4', pw, "s3cr'et"])
        expect(out).not.toContain(secret);
      expect(out).toContain(`password=${MASK} user=sst`);
      expect(out).toContain(`--password ${MASK} --backup`);
      expect(out).toContain(`wsrep_sst_auth=sst:${MASK}, giving up`);
      expect(out).toContain(`using ${MASK} at donor`);
      expect(out).toContain(`WSREP: ${MASK}${MASK}`);
    });
  }
});

describe('joinCommand (sh, with systemctl, journalctl and mariadb of a fixture directory first on PATH)', () => {
  let dir = '';
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = '';
  });

  /**
   * A directory of stand-in commands: systemctl fails or succeeds (and logs its calls to `calls`), journalctl prints
   * the fixture journal, mariadb prints `status`.
   */
  function bin(opts: { startFails: boolean; status?: string }): string {
    dir = mkdtempSync(join(tmpdir(), 'hakit-join-'));
    const tool = (name: string, body: string) => {
      writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
      chmodSync(join(dir, name), 0o755);
    };
    writeFileSync(join(dir, 'journal.txt'), fixture('join/rsync-sst-failed.txt'));
    tool(
      'systemctl',
      [
        `echo "$*" >> ${join(dir, 'calls')}`,
        ...(opts.startFails
          ? [
              'case "$1" in',
              '  start) echo "Job for mariadb.service failed because the control process exited with error code." >&2',
              '         echo "See \\"systemctl status mariadb.service\\" for details." >&2; exit 1 ;;',
              '  is-failed) exit 0 ;;',
              '  show) [ "$3" = ActiveState ] && echo failed || echo failed ;;',
              'esac',
            ]
          : [
              'case "$1" in',
              '  is-failed) exit 1 ;;',
              '  show) [ "$3" = ActiveState ] && echo activating || echo start ;;',
              'esac',
            ]),
      ].join('\n'),
    );
    tool('journalctl', `cat ${join(dir, 'journal.txt')}`);
    tool('mariadb', `printf '%s\\n' '${opts.status ?? ''}'`);
    writeFileSync(join(dir, 'galera.cnf'), '[galera]\nwsrep_sst_auth=sst:hunter9\n');
    return dir;
  }

  const run = (d: string, minSize: number, timeoutS: number) =>
    spawnSync(
      'sh',
      [
        '-c',
        joinCommand({
          node: 'node3',
          action: 'start',
          minClusterSize: minSize,
          timeoutS,
          galeraCnf: join(d, 'galera.cnf'),
        }),
      ],
      { encoding: 'utf8', env: { PATH: `${d}:${process.env.PATH ?? '/usr/bin:/bin'}` }, timeout: 30_000 },
    );

  it('systemctl start fails: names the joiner and systemctl, then the server error lines; exit 1', () => {
    const d = bin({ startFails: true });
    const r = run(d, 3, 5);
    expect(r.status, r.stderr).toBe(1);
    const lines = r.stderr.split('\n');
    expect(lines[0]).toBe(
      'node3 did not join the Galera cluster: systemctl start mariadb failed (wanted: Primary, Synced, cluster size >= 3): Job for mariadb.service failed because the control process exited with error code.',
    );
    expect(lines[1]).toMatch(
      /^the server's own error lines \(journalctl -u mariadb since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d, the last 12 at most\):$/,
    );
    const server = lines.slice(2, -2);
    expect(server.length).toBeGreaterThan(0);
    for (const l of server) expect(l.startsWith('  ')).toBe(true);
    expect(server.join('\n')).toMatch(/\[ERROR\].*(SST|sst|rsync)/);
    // The failed unit is stopped: systemd would restart it and ask a donor for another transfer.
    expect(lines.filter(Boolean).at(-1)).toBe(
      'mariadb stopped on node3 (its unit failed: systemd would restart it and ask for another state transfer); fix the cause and rerun',
    );
    expect(readFileSync(join(d, 'calls'), 'utf8')).toMatch(/^stop mariadb$/m);
    expect(r.stdout).toBe('');
  });

  it('the wait runs out: names the joiner and the last status seen, then the server error lines', () => {
    const d = bin({
      startFails: false,
      status:
        'wsrep_cluster_status\tPrimary\nwsrep_local_state_comment\tJoining: receiving State Transfer\nwsrep_cluster_size\t3',
    });
    const r = run(d, 3, 1);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe(
      'node3 did not join the Galera cluster: not Primary/Synced with cluster size >= 3 after 1 s; last: wsrep_cluster_status=Primary wsrep_local_state_comment=Joining: receiving State Transfer wsrep_cluster_size=3',
    );
    expect(r.stderr).toMatch(/\n {2}.*\[ERROR\]/);
    // Still starting (a long state transfer): left running.
    expect(readFileSync(join(d, 'calls'), 'utf8')).not.toMatch(/^stop /m);
    expect(r.stderr).not.toContain('stopped');
  });

  it('a join that succeeds prints the wait line and nothing on stderr', () => {
    const d = bin({
      startFails: false,
      status: 'wsrep_cluster_status\tPrimary\nwsrep_local_state_comment\tSynced\nwsrep_cluster_size\t3',
    });
    const r = run(d, 3, 5);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('Primary, Synced, cluster size 3\n');
    expect(r.stderr).toBe('');
  });
});
