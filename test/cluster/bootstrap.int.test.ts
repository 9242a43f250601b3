import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { SshConnector } from '../../src/connect/ssh-connector.js';
import { lockHosts } from '../../src/session/host-lock.js';
import type { CliResult } from '../support/cli.js';
import { sandboxTarget, useSandbox } from '../support/sandbox-fixture.js';
import { sshCli } from '../support/ssh-cli.js';
import { drillsCases } from './drills.cases.js';
import { galeraJoinFailureCases } from './galera-join-failure.cases.js';
import { galeraOutageCases } from './galera-outage.cases.js';
import { galeraRestartCases } from './galera-restart.cases.js';
import { hostPrepCases } from './host-prep.cases.js';
import { interruptCases } from './interrupt.cases.js';
import { sharedCluster } from './shared-cluster.js';
import { timeSyncCases } from './time-sync.cases.js';

/**
 * `hakit bootstrap` on a fresh 3-node sandbox: every fact below is read from the hosts themselves
 * (corosync-quorumtool, crm_mon, crm_verify, stonith_admin, ip addr, a TCP client on the VIP), not from the recap.
 * One sandbox is bootstrapped once and shared by the tests of this file, in order.
 */
const sandbox = useSandbox({ nodes: 3, name: 'cluster' });
const cluster = sharedCluster(sandbox);
const {
  printed,
  baseInventory,
  bootstrap,
  explain,
  recap,
  on,
  tcpConnects,
  changedTasks,
  startCallIds,
  etcSums,
} = cluster;

describe('hakit bootstrap on a fresh sandbox', () => {
  it('forms a quorate, fenced 3-node cluster with the VIP and HAProxy answering on it', async () => {
    const sb = sandbox();
    const r = await bootstrap(baseInventory());
    expect(r.code, explain(r)).toBe(0);
    const names = sb.nodes.map((n) => n.name);
    // The authkey was generated (not the sandbox's file): the same 256 bytes, 0400 root, on every member.
    const keys = await Promise.all(
      names.map((n) =>
        on(n, "stat -c '%a %U %G %s' /etc/corosync/authkey && sha256sum < /etc/corosync/authkey"),
      ),
    );
    for (const k of keys) expect(k).toMatch(/^400 root root 256\n[0-9a-f]{64}/);
    expect(new Set(keys).size, keys.join('\n')).toBe(1);
    const fileKey = createHash('sha256')
      .update(readFileSync(join(sb.dir, 'authkey')))
      .digest('hex');
    expect(keys[0]).not.toContain(fileKey);
    for (const n of names) {
      const q = await on(n, 'corosync-quorumtool -s');
      expect(q).toMatch(/^Quorate:\s+Yes/m);
      for (const m of names) expect(q).toMatch(new RegExp(`\\s${m}( |$)`, 'm'));
    }
    const mon = await on('node1', 'crm_mon -1 -r');
    expect(mon).toMatch(new RegExp(`Online: \\[ ${names.join(' ')} \\]`));
    expect(mon).toMatch(/partition with quorum/);
    expect(mon).not.toMatch(/Stopped|FAILED|Failed Resource Actions/);
    expect(mon).toMatch(/fence-sandbox\s+\(stonith:fence_docker\):\s+Started/);
    expect(mon).toMatch(/Started: \[ node1 node2 node3 \]/); // the haproxy clone on every node
    await on('node1', 'crm_verify -L -V');
    expect(await on('node1', 'crm_attribute --type crm_config --name stonith-enabled --query')).toMatch(
      /value=true/,
    );
    for (const n of names) expect(await on('node1', `stonith_admin --list ${n}`)).toMatch(/fence-sandbox/);
    const vip = sb.vip;
    const holders: string[] = [];
    for (const n of names) if ((await on(n, 'ip -o -4 addr show')).includes(` ${vip}/`)) holders.push(n);
    expect(holders, `VIP ${vip} held by ${holders.join(', ') || 'none'}`).toHaveLength(1);
    expect(await tcpConnects(vip, 3307), `HAProxy does not accept on ${vip}:3307`).toBe(true);
    // Longer than the bootstrap's own bound (20 min), so a slow first bootstrap is killed, not left running.
  }, 1_500_000);

  it('Galera: 3 members Primary/Synced, clustercheck 200 on every node, a row written through the VIP read on every node', async () => {
    const sb = sandbox();
    const status = (n: string) =>
      on(
        n,
        `mariadb -N -B -e "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_cluster_size','wsrep_local_state_comment','wsrep_cluster_status')"`,
      );
    for (const n of sb.nodes) {
      const st = await status(n.name);
      expect(st, n.name).toMatch(/^wsrep_cluster_size\t3$/m);
      expect(st, n.name).toMatch(/^wsrep_local_state_comment\tSynced$/m);
      expect(st, n.name).toMatch(/^wsrep_cluster_status\tPrimary$/m);
      expect((await on(n.name, 'systemctl show -p UnitFileState --value mariadb.socket')).trim()).toBe(
        'masked',
      );
      // From another node: the host firewall lets the clustercheck port in from the cluster's nodes only.
      const peer = sb.nodes.find((x) => x !== n)?.name as string;
      const check = await on(
        peer,
        `python3 -c "import urllib.request; print(urllib.request.urlopen('http://${n.address}:9200/', timeout=10).status)"`,
      );
      expect(check.trim(), `clustercheck on ${n.name}`).toBe('200');
    }
    // The health-check user hakit created: USAGE only.
    expect(await on('node1', `mariadb -N -B -e "SHOW GRANTS FOR 'clustercheck'@'localhost'"`)).toMatch(
      /^GRANT USAGE ON \*\.\* TO `clustercheck`@`localhost`/,
    );
    // HAProxy sees the galera servers up (L7OK: clustercheck answered 200).
    const csv = await on(
      'node1',
      `python3 -c "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:8404/stats;csv').read().decode())"`,
    );
    for (const n of sb.nodes) expect(csv).toMatch(new RegExp(`^galera,${n.name},(?:[^,]*,){15}UP,`, 'm'));
    // An application's user, made by the test (not by hakit), and a row written from this machine through the VIP.
    await on(
      'node1',
      `mariadb -e "CREATE DATABASE IF NOT EXISTS hakit_test; CREATE USER IF NOT EXISTS 'app'@'%' IDENTIFIED BY 'app-test-pw'; GRANT ALL ON hakit_test.* TO 'app'@'%'"`,
    );
    const token = `via-vip-${Date.now()}`;
    const client = spawnSync(
      'mariadb',
      ['-h', sb.vip, '-P', '3307', '-u', 'app', '--connect-timeout=10', '-N', '-B', 'hakit_test'],
      {
        input: `CREATE TABLE IF NOT EXISTS t (id INT PRIMARY KEY, v VARCHAR(64)); REPLACE INTO t VALUES (1, '${token}'); SELECT @@wsrep_node_name;\n`,
        env: { ...process.env, MYSQL_PWD: 'app-test-pw' },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(client.status, `${client.error ?? ''}${client.stderr}`).toBe(0);
    expect(client.stdout.trim(), 'balance first: node1 serves while it is Synced').toBe('node1');
    for (const n of sb.nodes)
      expect(
        await on(
          n.name,
          `mariadb -N -B -e "SET SESSION wsrep_sync_wait=1; SELECT v FROM hakit_test.t WHERE id=1"`,
        ),
        n.name,
      ).toBe(`${token}\n`);
  });

  hostPrepCases(cluster);

  it('a second run changes nothing: changed=0 on every host and no file under /etc changed', async () => {
    const sb = sandbox();
    const before = await Promise.all(sb.nodes.map((n) => etcSums(n.name)));
    const r = await bootstrap(baseInventory());
    expect(r.code, explain(r)).toBe(0);
    for (const [host, c] of Object.entries(recap(r)))
      expect(c.changed, `${host} changed:\n${changedTasks(r, host)}`).toBe(0);
    const after = await Promise.all(sb.nodes.map((n) => etcSums(n.name)));
    expect(after).toEqual(before);
  });

  it('a changed corosync.conf on the running cluster is reloaded (corosync-cfgtool -R), not restarted', async () => {
    const sb = sandbox();
    const inv = parse(readFileSync(baseInventory(), 'utf8')) as {
      cluster: { totem: Record<string, unknown> };
    };
    inv.cluster.totem.token = 1300;
    const changed = join(sb.dir, 'inventory-token.yaml');
    writeFileSync(changed, stringify(inv));
    const pid = (n: string) => on(n, 'systemctl show -p MainPID --value corosync');
    const pids = await Promise.all(sb.nodes.map((n) => pid(n.name)));
    const r = await bootstrap(changed, ['--tags', 'corosync']);
    expect(r.code, explain(r)).toBe(0);
    for (const n of sb.nodes) {
      expect(await on(n.name, 'corosync-cmapctl -g totem.token')).toMatch(/= 1300$/m);
      expect(await on(n.name, 'corosync-quorumtool -s')).toMatch(/^Quorate:\s+Yes/m);
    }
    expect(await Promise.all(sb.nodes.map((n) => pid(n.name))), 'corosync was restarted').toEqual(pids);
    const back = await bootstrap(baseInventory(), ['--tags', 'corosync']);
    expect(back.code, explain(back)).toBe(0);
    for (const n of sb.nodes) expect(await on(n.name, 'corosync-cmapctl -g totem.token')).toMatch(/= 1000$/m);
  });

  it('a changed inventory is applied as a minimal CIB patch that restarts nothing else', async () => {
    const sb = sandbox();
    const inv = parse(readFileSync(baseInventory(), 'utf8')) as {
      pacemaker: {
        properties: Record<string, unknown>;
        resources: unknown[];
        constraints: { order?: unknown[] };
      };
    };
    inv.pacemaker.resources.push({ type: 'ocf', id: 'canary', agent: 'ocf:pacemaker:Dummy' });
    inv.pacemaker.properties['cluster-recheck-interval'] = '5min';
    delete inv.pacemaker.constraints.order;
    const changed = join(sb.dir, 'inventory-changed.yaml');
    writeFileSync(changed, stringify(inv));
    const ids = await startCallIds();
    expect(Object.keys(ids).length).toBeGreaterThan(0);

    const check = await bootstrap(changed, ['--check', '--diff', '--tags', 'pacemaker']);
    expect(check.code, explain(check)).toBe(0);
    expect(check.stdout).toContain('canary');
    // crm_simulate on the live status predicts what the patch would do: the canary starts on some node.
    const predicted = check.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { type: string; preview?: { text: string } })
      .flatMap((e) => (e.type === 'task.host' && e.preview ? [e.preview.text] : []));
    expect(
      predicted.join('\n'),
      `no "would start canary" prediction; predictions: ${JSON.stringify(predicted)}\n${explain(check)}`,
    ).toMatch(/^would start canary on node\d$/m);
    expect(await on('node1', 'cibadmin -Q --scope resources')).not.toContain('canary'); // check mode

    const r = await bootstrap(changed, ['--tags', 'pacemaker']);
    expect(r.code, explain(r)).toBe(0);
    const mon = await on('node1', 'crm_mon -1 -r');
    expect(mon).toMatch(/canary\s+\(ocf:pacemaker:Dummy\):\s+Started/);
    expect(
      await on('node1', 'crm_attribute --type crm_config --name cluster-recheck-interval --query'),
    ).toMatch(/value=5min/);
    expect(await on('node1', 'cibadmin -Q --scope constraints')).not.toMatch(/rsc_order/);
    const now = await startCallIds();
    for (const [k, call] of Object.entries(ids)) expect(now[k], `${k} was restarted`).toBe(call);

    // Back to the original inventory: the canary is stopped, then removed.
    const back = await bootstrap(baseInventory(), ['--tags', 'pacemaker']);
    expect(back.code, explain(back)).toBe(0);
    expect(await on('node1', 'cibadmin -Q --scope resources')).not.toContain('canary');
    expect(await on('node1', 'crm_mon -1 -r')).not.toMatch(/canary/);
  });

  it('a second bootstrap is refused while one holds the hosts, and the lock dies with its connection', async () => {
    const sb = sandbox();
    const node2 = sb.nodes.find((n) => n.name === 'node2');
    if (!node2) throw new Error('no node2');
    const holder = new SshConnector(sandboxTarget(sb, node2));
    await lockHosts([holder], 'the test holder');
    try {
      const before = await etcSums('node2');
      const refused = await bootstrap(baseInventory());
      expect(refused.code, explain(refused)).toBe(6);
      expect(refused.stdout).toContain(
        'node2: another hakit run holds /run/lock/hakit.lock (the test holder)',
      );
      expect(refused.stdout).not.toMatch(/"type":"task.start"/); // refused before any task
      expect(await etcSums('node2')).toEqual(before);
    } finally {
      // Not released: the holder's connection goes away, and the lock with it.
      await holder.close();
    }
    // sshd ends the holder's command when its connection closes: wait (bounded) until node2 is free.
    let free = false;
    for (let i = 0; i < 60 && !free; i++) {
      const t = await sshCli(sb, 'node2', 'flock -n /run/lock/hakit.lock true', { timeoutMs: 30_000 });
      free = t.code === 0;
      if (!free) await new Promise((res) => setTimeout(res, 500));
    }
    expect(free, 'the lock outlived its connection by 30 s').toBe(true);
    const r = await bootstrap(baseInventory());
    expect(r.code, explain(r)).toBe(0);
    for (const [host, c] of Object.entries(recap(r)))
      expect(c.changed, `${host} changed:\n${changedTasks(r, host)}`).toBe(0);
    expect(await on('node2', 'cat /run/lock/hakit.lock')).toBe(''); // released at the end of the run
  });

  it('a haproxy.cfg its validator rejects stops the step on every node before the live file changes (exit 5)', async () => {
    const sb = sandbox();
    const inv = parse(readFileSync(baseInventory(), 'utf8')) as {
      haproxy: { backends: { servers: Record<string, unknown>[] }[] };
    };
    const server = inv.haproxy.backends[0]?.servers[0];
    if (!server) throw new Error('no haproxy server in the sandbox inventory');
    delete server.node;
    server.address = 'no-such-host.invalid'; // valid for the schema; haproxy -c cannot resolve it
    const bad = join(sb.dir, 'inventory-bad-haproxy.yaml');
    writeFileSync(bad, stringify(inv));
    const live = await Promise.all(sb.nodes.map((n) => on(n.name, 'sha256sum /etc/haproxy/haproxy.cfg')));
    const r = await bootstrap(bad, ['--tags', 'haproxy', '--output', 'plain']);
    expect(r.code, explain(r)).toBe(5);
    for (const n of sb.nodes) expect(r.stdout).toMatch(new RegExp(`${n.name}.*haproxy\\.cfg`));
    expect(r.stdout).toContain('no-such-host.invalid'); // haproxy's own message
    expect(await Promise.all(sb.nodes.map((n) => on(n.name, 'sha256sum /etc/haproxy/haproxy.cfg')))).toEqual(
      live,
    );
    expect(await tcpConnects(sb.vip, 3307), 'HAProxy stopped answering on the VIP').toBe(true);
  });

  it('a changed haproxy.cfg reloads HAProxy without refusing a connection to the VIP', async () => {
    const sb = sandbox();
    const inv = parse(readFileSync(baseInventory(), 'utf8')) as { haproxy: { stats: { bind: string } } };
    inv.haproxy.stats.bind = '127.0.0.1:8405';
    const changed = join(sb.dir, 'inventory-haproxy-stats.yaml');
    writeFileSync(changed, stringify(inv));
    const pids = await Promise.all(
      sb.nodes.map((n) => on(n.name, 'systemctl show -p MainPID --value haproxy')),
    );
    // A client on this machine connects to the VIP all the time, bounded in count and time.
    let stop = false;
    const outcomes = { ok: 0, refused: 0 };
    const loop = (async () => {
      const until = Date.now() + 600_000;
      for (let i = 0; i < 100_000 && !stop && Date.now() < until; i++) {
        if (await tcpConnects(sb.vip, 3307)) outcomes.ok++;
        else outcomes.refused++;
      }
    })();
    let r: CliResult;
    try {
      r = await bootstrap(changed, ['--tags', 'haproxy']);
    } finally {
      stop = true;
      await loop;
    }
    expect(r.code, explain(r)).toBe(0);
    for (const n of sb.nodes)
      expect(await on(n.name, 'grep -c "127.0.0.1:8405" /etc/haproxy/haproxy.cfg')).toMatch(/^1/);
    expect(outcomes.ok).toBeGreaterThan(10);
    expect(outcomes.refused, JSON.stringify(outcomes)).toBe(0);
    // Reloaded, not restarted: the master process is the same.
    expect(
      await Promise.all(sb.nodes.map((n) => on(n.name, 'systemctl show -p MainPID --value haproxy'))),
    ).toEqual(pids);
    const back = await bootstrap(baseInventory(), ['--tags', 'haproxy']);
    expect(back.code, explain(back)).toBe(0);
  });

  // Groups of cases from other modules of this folder (each takes `cluster` and leaves it healthy) run here, in
  // this order, before the secret scan that reads everything they printed too.
  interruptCases(cluster);
  galeraOutageCases(cluster);
  galeraRestartCases(cluster);
  timeSyncCases(cluster);
  galeraJoinFailureCases(cluster);
  drillsCases(cluster);

  it('no secret appears in anything hakit printed', async () => {
    const sb = sandbox();
    const text = printed.join('\n');
    expect(text.length).toBeGreaterThan(1000);
    const authkey = readFileSync(join(sb.dir, 'authkey'));
    expect(text).not.toContain(authkey.toString('base64'));
    expect(text).not.toContain(authkey.toString('hex'));
    const generated = (await on('node1', 'base64 -w 0 /etc/corosync/authkey')).trim();
    expect(generated.length).toBeGreaterThan(300);
    expect(text).not.toContain(generated);
    expect(text).not.toContain(Buffer.from(generated, 'base64').toString('hex'));
    for (const f of ['hacluster.pass', 'clustercheck.pass']) {
      const secret = readFileSync(join(sb.dir, f), 'utf8').trim();
      expect(secret.length).toBeGreaterThan(8);
      expect(text, `${f} printed`).not.toContain(secret);
    }
  });
});
