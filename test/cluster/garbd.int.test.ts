import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { useSandbox } from '../support/sandbox-fixture.js';
import { sharedCluster } from './shared-cluster.js';

/**
 * Two-node Galera with garbd (issue #10, item 6) on a sandbox of its own: node1 and node2 are the Galera members,
 * node3 runs only garbd. Every fact is read from the hosts (SHOW GLOBAL STATUS, systemctl). The proof that garbd
 * counts: after one member is killed, the other stays Primary (1 of 2 members alone would not be) and takes a write.
 */
const sandbox = useSandbox({ nodes: 3, name: 'garbd' });
const { bootstrap, explain, recap, changedTasks, on } = sharedCluster(sandbox);

/** The sandbox's inventory reduced to Galera: two members, garbd on node3, no Pacemaker and no HAProxy. */
function garbdInventory(): string {
  const sb = sandbox();
  const inv = parse(readFileSync(sb.inventoryPath, 'utf8')) as Record<string, unknown> & {
    nodes: { name: string; roles: string[] }[];
    galera: Record<string, unknown>;
  };
  for (const n of inv.nodes) n.roles = n.name === 'node3' ? ['garbd'] : ['galera'];
  inv.galera.garbd = { node: 'node3' };
  delete inv.pacemaker;
  delete inv.haproxy;
  const path = join(sb.dir, 'inventory-garbd.yaml');
  writeFileSync(path, stringify(inv));
  return path;
}

const STATUS = `mariadb -N -B -e "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_cluster_size','wsrep_local_state_comment','wsrep_cluster_status')"`;

async function expectMember(node: string, size: number): Promise<void> {
  const st = await on(node, STATUS);
  expect(st, node).toMatch(new RegExp(`^wsrep_cluster_size\\t${size}$`, 'm'));
  expect(st, node).toMatch(/^wsrep_local_state_comment\tSynced$/m);
  expect(st, node).toMatch(/^wsrep_cluster_status\tPrimary$/m);
}

/** Polls (bounded: 60 tries, 1 s apart) until `node` reports the wanted status; returns the last one seen. */
async function waitStatus(node: string, want: RegExp[]): Promise<string> {
  let st = '';
  for (let i = 0; i < 60; i++) {
    st = await on(node, `${STATUS} || true`);
    if (want.every((w) => w.test(st))) return st;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return st;
}

const since = (node: string, unit: string) =>
  on(node, `systemctl show -p ActiveEnterTimestampMonotonic -p MainPID ${unit}`);

describe('Galera with two members and garbd', () => {
  it('bootstrap: both members Synced in a Primary component of 3 (garbd counts), garbd running and enabled', async () => {
    const r = await bootstrap(garbdInventory());
    expect(r.code, explain(r)).toBe(0);
    await expectMember('node1', 3);
    await expectMember('node2', 3);
    expect((await on('node3', 'systemctl is-active garb; systemctl is-enabled garb')).split('\n')).toEqual([
      'active',
      'enabled',
      '',
    ]);
    const settings = await on('node3', 'cat /etc/default/garb');
    const [a1, a2] = sandbox().nodes.map((n) => n.address);
    expect(settings).toContain(`GALERA_NODES="${a1}:4567,${a2}:4567"\n`);
    expect(await on('node3', 'pidof mariadbd || echo none')).toBe('none\n');
    expect(changedTasks(r, 'node3')).toMatch(/garbd running and enabled/);
  }, 1_500_000);

  it('a rerun changes nothing and restarts neither garbd nor mariadb', async () => {
    const before = await Promise.all([
      since('node3', 'garb'),
      since('node1', 'mariadb'),
      since('node2', 'mariadb'),
    ]);
    const r = await bootstrap(garbdInventory());
    expect(r.code, explain(r)).toBe(0);
    for (const [host, c] of Object.entries(recap(r)))
      expect(c.changed, `${host} changed:\n${changedTasks(r, host)}`).toBe(0);
    const after = await Promise.all([
      since('node3', 'garb'),
      since('node1', 'mariadb'),
      since('node2', 'mariadb'),
    ]);
    expect(after).toEqual(before);
  }, 1_200_000);

  it('node2 killed: node1 stays Primary with garbd and takes a write; a rerun brings node2 back with the row', async () => {
    await on(
      'node1',
      `mariadb -e "CREATE DATABASE IF NOT EXISTS hakit_test; CREATE TABLE IF NOT EXISTS hakit_test.garbd (id INT PRIMARY KEY, v VARCHAR(32)); REPLACE INTO hakit_test.garbd VALUES (1, 'before')"`,
    );
    // A crash of the server alone: SIGKILL, with systemd kept from restarting it (a runtime drop-in).
    await on(
      'node2',
      [
        'set -e',
        'd=/run/systemd/system/mariadb.service.d; mkdir -p $d',
        "printf '[Service]\\nRestart=no\\n' > $d/hakit-test-crash.conf",
        'systemctl daemon-reload',
        'systemctl kill -s KILL mariadb',
        'for i in $(seq 1 100); do pidof mariadbd >/dev/null || break; sleep 0.1; done',
        'systemctl stop mariadb',
        'rm -f $d/hakit-test-crash.conf; systemctl daemon-reload',
        'if pidof mariadbd >/dev/null; then echo "mariadbd still runs" >&2; exit 1; fi',
      ].join('\n'),
    );
    const st = await waitStatus('node1', [/^wsrep_cluster_size\t2$/m, /^wsrep_cluster_status\tPrimary$/m]);
    expect(st, 'node1 after node2 was killed').toMatch(/^wsrep_cluster_size\t2$/m);
    expect(st).toMatch(/^wsrep_cluster_status\tPrimary$/m);
    await on('node1', `mariadb -e "REPLACE INTO hakit_test.garbd VALUES (2, 'node2 down')"`);

    const r = await bootstrap(garbdInventory());
    expect(r.code, explain(r)).toBe(0);
    expect(changedTasks(r, 'node2')).toMatch(/joins the Primary component/);
    expect(changedTasks(r, 'node1')).toBe('');
    await expectMember('node1', 3);
    await expectMember('node2', 3);
    expect(
      await on(
        'node2',
        `mariadb -N -B -e "SET SESSION wsrep_sync_wait=1; SELECT v FROM hakit_test.garbd ORDER BY id"`,
      ),
    ).toBe('before\nnode2 down\n');
  }, 1_500_000);
});
