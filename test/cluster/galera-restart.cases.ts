import { expect, it } from 'vitest';
import { ensureBuilt, hakit } from '../support/cli.js';
import { runEvents, type SharedCluster } from './shared-cluster.js';
import { startWriteLoop } from './sql-writer.js';

/**
 * `hakit galera restart` (issue #10) on the shared cluster, under a write loop from this machine through the VIP
 * and HAProxy (one connection per row, reconnecting as an application would): every member is restarted, one at
 * a time, every acknowledged row is on every member afterwards, and writes were acknowledged while each member
 * was being restarted (the cluster answered throughout). The longest gap between two acknowledgements is printed.
 */
export function galeraRestartCases(c: SharedCluster): void {
  const PW = 'rolling-restart-pw';

  it('Galera rolling restart under writes through the VIP: each member restarted in turn, no acknowledged row lost', async () => {
    ensureBuilt();
    const sb = c.sandbox();
    const nodes = sb.nodes.map((n) => n.name);
    await c.on(
      'node1',
      `mariadb -e "CREATE DATABASE IF NOT EXISTS hakit_test; CREATE USER IF NOT EXISTS 'rolling'@'%' IDENTIFIED BY '${PW}'; GRANT ALL ON hakit_test.* TO 'rolling'@'%'; CREATE TABLE IF NOT EXISTS hakit_test.rolling (id INT PRIMARY KEY, node VARCHAR(16))"`,
    );
    const started = async () =>
      Promise.all(
        nodes.map(async (n) =>
          (await c.on(n, 'systemctl show -p ExecMainStartTimestampMonotonic --value mariadb')).trim(),
        ),
      );
    const before = await started();

    const writes = startWriteLoop({
      host: sb.vip,
      port: 3307,
      user: 'rolling',
      password: PW,
      table: 'hakit_test.rolling',
      firstId: 1,
    });
    const r = await hakit(['galera', 'restart', '-i', c.baseInventory(), '--output', 'json'], {
      timeoutMs: 1_200_000,
    }).catch(async (err) => {
      await writes.stop();
      throw err;
    });
    const w = await writes.stop();
    c.printed.push(r.stdout, r.stderr);
    expect(r.code, c.explain(r)).toBe(0);

    // Each member was restarted (a new main process), one at a time, in inventory order.
    const after = await started();
    for (const [i, n] of nodes.entries()) expect(after[i], `${n}: mariadb not restarted`).not.toBe(before[i]);
    const events = runEvents(r);
    const windows = nodes.map((n) => {
      const start = events.find((e) => e.type === 'task.start' && e.hosts?.length === 1 && e.hosts[0] === n);
      const end = events.find((e) => e.type === 'task.host' && e.host === n);
      if (!start || !end) throw new Error(`no task events for ${n}:\n${r.stdout.slice(-3000)}`);
      expect(end.status, `${n}: ${c.explain(r)}`).toBe('changed');
      return { n, from: start.at, to: end.at };
    });
    for (let i = 1; i < windows.length; i++)
      expect(windows[i]!.from, 'one member at a time').toBeGreaterThanOrEqual(windows[i - 1]!.to);

    // The cluster answered writes while each member was being restarted.
    for (const win of windows) {
      const during = w.acked.filter((a) => a.at >= win.from && a.at <= win.to);
      expect(during.length, `no write acknowledged while ${win.n} was restarted`).toBeGreaterThan(0);
    }
    console.log(
      `rolling restart: ${w.acked.length} writes acknowledged, ${w.failed} failed attempts, longest gap between acknowledgements ${w.longestGapMs} ms; per member: ${windows.map((x) => `${x.n} ${((x.to - x.from) / 1000).toFixed(1)} s`).join(', ')}`,
    );

    // Every acknowledged row is on every member, which is Synced in a cluster of 3.
    const ids = w.acked.map((a) => a.id);
    expect(ids.length).toBeGreaterThan(10);
    for (const n of nodes) {
      const st = await c.on(
        n,
        `mariadb -N -B -e "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_cluster_size','wsrep_local_state_comment')"`,
      );
      expect(st, n).toMatch(/^wsrep_cluster_size\t3$/m);
      expect(st, n).toMatch(/^wsrep_local_state_comment\tSynced$/m);
      const present = new Set(
        (await c.on(n, 'mariadb -N -B -e "SET SESSION wsrep_sync_wait=1; SELECT id FROM hakit_test.rolling"'))
          .split('\n')
          .filter(Boolean)
          .map(Number),
      );
      const lost = ids.filter((id) => !present.has(id));
      expect(lost, `${n}: acknowledged rows missing`).toEqual([]);
    }
    // Each member was out of HAProxy on every HAProxy node before it stopped, and back in before the next one
    // (the restart's audit trail in the member's journal).
    for (const n of nodes) {
      const trail = await c.on(n, 'journalctl -t hakit-galera-restart -o cat --no-pager');
      expect(trail, n).toContain(`HAProxy on ${nodes.join(' ')}: ${n} DOWN (drained)`);
      expect(trail, n).toContain(`HAProxy on ${nodes.join(' ')}: ${n} UP again`);
    }
    // Nothing of the drain handshake is left behind.
    for (const n of nodes)
      expect((await c.on(n, 'ls /run/hakit/ 2>/dev/null || true')).trim(), n).not.toMatch(/galera-drain/);
  }, 1_200_000);

  it('a rolling restart is refused while a member is down: nothing restarted', async () => {
    ensureBuilt();
    const sb = c.sandbox();
    await c.on('node3', 'systemctl stop mariadb');
    const pid = (await c.on('node1', 'systemctl show -p MainPID --value mariadb')).trim();
    try {
      const r = await hakit(['galera', 'restart', '-i', c.baseInventory(), '--output', 'json'], {
        timeoutMs: 600_000,
      });
      c.printed.push(r.stdout, r.stderr);
      expect(r.code, c.explain(r)).toBe(4);
      expect(`${r.stdout}\n${r.stderr}`).toMatch(
        /refusing to restart node1: it is Primary\/Synced in a cluster of 2/,
      );
      expect((await c.on('node1', 'systemctl show -p MainPID --value mariadb')).trim()).toBe(pid);
      expect(sb.nodes.length).toBe(3);
    } finally {
      const back = await c.bootstrap(c.baseInventory(), ['--tags', 'galera']);
      expect(back.code, c.explain(back)).toBe(0);
    }
  }, 1_200_000);
}
