import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { runEvents, type SharedCluster } from './shared-cluster.js';

/**
 * A member that fails to join (issue #10, Bad input and faults), on the shared cluster: node3 must take a full
 * state transfer (its datadir emptied) and its rsync SST cannot run (the joiner's wsrep_sst_rsync starts
 * `rsync --daemon`, and rsync is moved away). The run stops naming node3 with the server's own error lines; node1
 * and node2 stay Primary, Synced and writable through the VIP. With rsync back, a rerun joins node3 with every row.
 */
export function galeraJoinFailureCases(c: SharedCluster): void {
  const APP_PW = 'app-joinfail-pw';
  const RSYNC_AWAY = '/root/rsync.hakit-test';

  function writeThroughVip(id: number): { status: number | null; out: string } {
    const r = spawnSync(
      'mariadb',
      [
        '-h',
        c.sandbox().vip,
        '-P',
        '3307',
        '-u',
        'joinfail',
        '--connect-timeout=10',
        '-N',
        '-B',
        'hakit_test',
      ],
      {
        input: `INSERT INTO joinfail VALUES (${id}, @@wsrep_node_name); SELECT @@wsrep_node_name;\n`,
        env: { ...process.env, MYSQL_PWD: APP_PW },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    return { status: r.status, out: `${r.error ?? ''}${r.stdout}${r.stderr}` };
  }

  const status = (n: string) =>
    c.on(
      n,
      `mariadb -N -B -e "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_cluster_size','wsrep_local_state_comment','wsrep_cluster_status')"`,
    );
  const mainPid = (n: string) => c.on(n, 'systemctl show -p MainPID --value mariadb');
  const checksums = (n: string) =>
    c.on(
      n,
      `mariadb -N -B -e "SET SESSION wsrep_sync_wait=1; CHECKSUM TABLE hakit_test.outage, hakit_test.joinfail, hakit_test.t"`,
    );

  it('a joiner whose SST fails: the run names it with the server error lines, the others stay Primary and writable; with rsync back it joins with every row', async () => {
    await c.on(
      'node1',
      `mariadb -e "CREATE DATABASE IF NOT EXISTS hakit_test; CREATE USER IF NOT EXISTS 'joinfail'@'%' IDENTIFIED BY '${APP_PW}'; GRANT ALL ON hakit_test.* TO 'joinfail'@'%'; CREATE TABLE IF NOT EXISTS hakit_test.joinfail (id INT PRIMARY KEY, node VARCHAR(16))"`,
    );
    // node3 needs a full SST (nothing left of its datadir) and cannot receive one (no rsync for the daemon).
    await c.on(
      'node3',
      [
        'set -e',
        'systemctl stop mariadb',
        'rm -rf /var/lib/mysql/*',
        `mv /usr/bin/rsync ${RSYNC_AWAY}`,
        '! command -v rsync',
      ].join('\n'),
    );
    try {
      const pids = { node1: await mainPid('node1'), node2: await mainPid('node2') };
      const r = await c.bootstrap(c.baseInventory());
      expect(r.code, c.explain(r)).not.toBe(0);
      const failed = runEvents(r).filter((e) => e.type === 'task.host' && e.status === 'failed');
      expect(
        failed.map((e) => e.host),
        c.explain(r),
      ).toEqual(['node3']);
      const stderr = failed[0]?.error?.stderr ?? '';
      expect(stderr).toMatch(/^node3 did not join the Galera cluster: /);
      expect(stderr).toContain("the server's own error lines (journalctl -u mariadb since ");
      // The server's own lines about the SST that failed (mariadbd's WSREP errors, the SST script's).
      expect(stderr, stderr).toMatch(/^ {2}.*\[ERROR\].*(SST|sst|rsync)/m);
      // node3 was stopped, not left to systemd's restart loop (each restart would ask a donor for a transfer).
      expect(stderr).toContain('mariadb stopped on node3');
      expect(
        (await c.on('node3', 'systemctl show -p ActiveState -p SubState mariadb'))
          .split('\n')
          .sort()
          .join(' '),
      ).toMatch(/^ ActiveState=(inactive|failed) SubState=(dead|failed)$/);
      // What the run printed names the joiner.
      expect(`${r.stdout}\n${r.stderr}`).toContain('node3 did not join the Galera cluster');

      // node1 and node2: never restarted, Primary and Synced in a component of 2, writable through the VIP.
      for (const n of ['node1', 'node2'] as const) {
        expect(await mainPid(n), `${n} was restarted`).toBe(pids[n]);
        const st = await status(n);
        expect(st, n).toMatch(/^wsrep_cluster_size\t2$/m);
        expect(st, n).toMatch(/^wsrep_local_state_comment\tSynced$/m);
        expect(st, n).toMatch(/^wsrep_cluster_status\tPrimary$/m);
      }
      const w = writeThroughVip(1);
      expect(w.status, w.out).toBe(0);
    } finally {
      await c.on('node3', `if [ -e ${RSYNC_AWAY} ]; then mv ${RSYNC_AWAY} /usr/bin/rsync; fi`);
    }

    const back = await c.bootstrap(c.baseInventory());
    expect(back.code, c.explain(back)).toBe(0);
    expect(c.changedTasks(back, 'node3')).toMatch(/joins the Primary component/);
    for (const n of c.sandbox().nodes) {
      const st = await status(n.name);
      expect(st, n.name).toMatch(/^wsrep_cluster_size\t3$/m);
      expect(st, n.name).toMatch(/^wsrep_local_state_comment\tSynced$/m);
    }
    expect(await checksums('node3'), 'node3 after its SST').toBe(await checksums('node1'));
    expect(
      (
        await c.on('node3', 'mariadb -N -B -e "SELECT COUNT(*) FROM hakit_test.joinfail WHERE id = 1"')
      ).trim(),
    ).toBe('1');
  }, 1_200_000);
}
