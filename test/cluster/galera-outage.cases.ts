import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';
import type { CliResult } from '../support/cli.js';
import { runEvents, type SharedCluster } from './shared-cluster.js';

/**
 * Galera after a full outage (issue #10), on the shared cluster: every acknowledged row survives, and the member
 * that bootstraps is the most advanced one — in the first case a member whose position is known only from InnoDB
 * (a crash, grastate.dat seqno -1) and is not first in inventory order, so the choice is proven, not lucky.
 * Rows are written from this machine through the VIP and HAProxy, as an application would; a row counts as
 * acknowledged only when the client got its OK.
 */
export function galeraOutageCases(c: SharedCluster): void {
  const APP_PW = 'app-outage-pw';
  const setup = () =>
    c.on(
      'node1',
      `mariadb -e "CREATE DATABASE IF NOT EXISTS hakit_test; CREATE USER IF NOT EXISTS 'outage'@'%' IDENTIFIED BY '${APP_PW}'; GRANT ALL ON hakit_test.* TO 'outage'@'%'; CREATE TABLE IF NOT EXISTS hakit_test.outage (id INT PRIMARY KEY, node VARCHAR(16))"`,
    );

  /**
   * Inserts rows `ids` through VIP:3307 in one transaction, retrying (bounded: 40 tries, 0.5 s apart) while HAProxy
   * has no server for it yet. Returns the node that acknowledged the commit.
   */
  async function write(ids: number[]): Promise<string> {
    const values = ids.map((i) => `(${i}, @@wsrep_node_name)`).join(', ');
    let last = '';
    for (let attempt = 0; attempt < 40; attempt++) {
      const r = spawnSync(
        'mariadb',
        [
          '-h',
          c.sandbox().vip,
          '-P',
          '3307',
          '-u',
          'outage',
          '--connect-timeout=5',
          '-N',
          '-B',
          'hakit_test',
        ],
        {
          input: `INSERT IGNORE INTO outage VALUES ${values}; SELECT @@wsrep_node_name;\n`,
          env: { ...process.env, MYSQL_PWD: APP_PW },
          encoding: 'utf8',
          timeout: 30_000,
        },
      );
      if (r.status === 0) return r.stdout.trim();
      last = `exit ${r.status}: ${r.error ?? ''}${r.stderr}`;
      await new Promise((res) => setTimeout(res, 500));
    }
    throw new Error(`rows ${ids[0]}–${ids.at(-1)} were never acknowledged through the VIP: ${last}`);
  }

  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

  /**
   * A crash of the server alone: SIGKILL, with systemd kept from restarting it (a runtime drop-in, Restart=no; a
   * `systemctl stop` afterwards cancels anything still pending and finds no process to shut down cleanly). The
   * position then exists only in InnoDB: grastate.dat keeps seqno -1.
   */
  const crash = (node: string) =>
    c.on(
      node,
      [
        'set -e',
        'd=/run/systemd/system/mariadb.service.d; mkdir -p $d',
        "printf '[Service]\\nRestart=no\\n' > $d/hakit-test-crash.conf",
        'systemctl daemon-reload',
        'test "$(systemctl show -p Restart --value mariadb)" = no',
        'systemctl kill -s KILL mariadb',
        'for i in $(seq 1 100); do pidof mariadbd >/dev/null || break; sleep 0.1; done',
        'systemctl stop mariadb',
        'rm -f $d/hakit-test-crash.conf; systemctl daemon-reload',
        'if pidof mariadbd >/dev/null; then echo "mariadbd still runs" >&2; exit 1; fi',
        'grep -q "^seqno: *-1" /var/lib/mysql/grastate.dat',
        'systemctl is-active mariadb || true',
      ].join('\n'),
    );

  /** The member the bootstrap named to start the new Primary component (from the run's JSON events). */
  function bootstrapper(r: CliResult): string[] {
    return runEvents(r)
      .filter((e) => e.type === 'task.host' && e.status === 'changed' && e.task?.startsWith('a new cluster'))
      .map((e) => e.host as string);
  }

  async function expectAllRows(upTo: number): Promise<void> {
    for (const n of c.sandbox().nodes) {
      const st = await c.on(
        n.name,
        `mariadb -N -B -e "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_cluster_size','wsrep_local_state_comment')"`,
      );
      expect(st, n.name).toMatch(/^wsrep_cluster_size\t3$/m);
      expect(st, n.name).toMatch(/^wsrep_local_state_comment\tSynced$/m);
      const missing = await c.on(
        n.name,
        `mariadb -N -B -e "SET SESSION wsrep_sync_wait=1; SELECT ${upTo} - COUNT(*) FROM hakit_test.outage WHERE id <= ${upTo}"`,
      );
      expect(missing.trim(), `${n.name}: acknowledged rows missing`).toBe('0');
    }
  }

  it('Galera after a full outage: the member most advanced (known only from InnoDB, not first in order) bootstraps; no acknowledged row lost', async () => {
    await setup();
    expect(await write(range(1, 20))).toBe('node1');
    await c.on('node1', 'systemctl stop mariadb'); // a clean leave: node1's grastate.dat has its seqno
    expect(await write(range(21, 40)), 'HAProxy sends writes to the first backup').toBe('node2');
    await c.on('node2', 'systemctl stop mariadb');
    expect(await write(range(41, 60)), 'node3 alone is the Primary component').toBe('node3');
    await crash('node3'); // rows 41–60 exist only on node3, its position only in InnoDB

    const r = await c.bootstrap(c.baseInventory());
    expect(r.code, c.explain(r)).toBe(0);
    expect(bootstrapper(r), c.explain(r)).toEqual(['node3']);
    expect(c.changedTasks(r, 'node3')).toMatch(/position of a crashed member/);
    await expectAllRows(60);
  }, 900_000);

  it('Galera after every member was killed at once: recovered, bootstrapped from one member, no acknowledged row lost', async () => {
    await write(range(61, 100));
    await Promise.all(c.sandbox().nodes.map((n) => crash(n.name)));
    const r = await c.bootstrap(c.baseInventory());
    expect(r.code, c.explain(r)).toBe(0);
    expect(bootstrapper(r), c.explain(r)).toHaveLength(1);
    for (const n of c.sandbox().nodes)
      expect(c.changedTasks(r, n.name), n.name).toMatch(/position of a crashed member/);
    await expectAllRows(100);
    const again = await c.bootstrap(c.baseInventory());
    expect(again.code, c.explain(again)).toBe(0);
    for (const [host, x] of Object.entries(c.recap(again)))
      expect(x.changed, `${host} changed:\n${c.changedTasks(again, host)}`).toBe(0);
  }, 900_000);

  it('Galera members that disagree on the cluster uuid: refused, naming each history, nothing started', async () => {
    const nodes = c.sandbox().nodes.map((n) => n.name);
    for (const n of nodes) await c.on(n, 'systemctl stop mariadb');
    const other = '11111111-2222-3333-4444-555555555555';
    await c.on(
      'node3',
      `cp -p /var/lib/mysql/grastate.dat /root/grastate.dat.test && sed -i 's/^uuid:.*/uuid:    ${other}/' /var/lib/mysql/grastate.dat`,
    );
    const uuid = (await c.on('node1', "sed -n 's/^uuid:[[:space:]]*//p' /var/lib/mysql/grastate.dat")).trim();
    const r = await c.bootstrap(c.baseInventory());
    expect(r.code, c.explain(r)).not.toBe(0);
    const text = `${r.stdout}\n${r.stderr}`;
    expect(text).toContain(
      `members disagree on the cluster uuid: ${uuid} (node1, node2) vs ${other} (node3)`,
    );
    expect(text).toContain('--galera-bootstrap-node');
    for (const n of nodes)
      expect((await c.on(n, 'systemctl is-active mariadb || true')).trim(), `${n}: started`).toBe('inactive');
    // Put node3's file back: the cluster comes back with every acknowledged row.
    await c.on('node3', 'cp -p /root/grastate.dat.test /var/lib/mysql/grastate.dat');
    const back = await c.bootstrap(c.baseInventory());
    expect(back.code, c.explain(back)).toBe(0);
    await expectAllRows(100);
  }, 900_000);
}
