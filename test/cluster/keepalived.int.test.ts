import { readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crashNode, restartNode } from '../../src/sandbox/index.js';
import { ROOT } from '../support/cli.js';
import { useSandbox } from '../support/sandbox-fixture.js';
import { sharedCluster } from './shared-cluster.js';

/**
 * inventories/sandbox-keepalived.yaml on a sandbox of its own (its own name, so its own /24): `hakit bootstrap`
 * installs and starts HAProxy and keepalived on three nodes without Pacemaker; exactly one node holds the VIP and
 * HAProxy answers on it. Then the faults: HAProxy stopped on the master (the track script moves the VIP), the
 * master's container killed (the VIP answers from a backup). Every fact is read from the hosts (`ip addr`,
 * the journal) or from a client on this machine; waits are bounded polls.
 */
const sandbox = useSandbox({ nodes: 3, name: 'keepalived', fencing: false });
const { bootstrap, explain, recap, on, changedTasks } = sharedCluster(sandbox);

/** The example inventory, moved to this sandbox's subnet and state dir. */
function inventory(): string {
  const sb = sandbox();
  const text = readFileSync(join(ROOT, 'inventories/sandbox-keepalived.yaml'), 'utf8');
  const base = sb.network.subnet.replace(/\.0\/24$/, '.');
  expect(text).toContain('../.hakit/sandbox/keepalived/');
  expect(text).toContain('10.213.239.100');
  const path = join(sb.dir, 'sandbox-keepalived.yaml');
  writeFileSync(path, text.replaceAll('../.hakit/sandbox/keepalived/', '').replaceAll('10.213.239.', base));
  return path;
}

const vip = () => sandbox().vip;

/** The nodes among `nodes` whose interfaces carry the VIP. */
async function holders(nodes: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const n of nodes) if ((await on(n, 'ip -o -4 addr show')).includes(` ${vip()}/`)) out.push(n);
  return out;
}

/** The node HAProxy's statistics page on the VIP names (`stats show-node`), or null when nothing answers. */
function statsNode(): Promise<string | null> {
  return new Promise((res) => {
    const req = get({ host: vip(), port: 8404, path: '/stats', timeout: 2000 }, (r) => {
      let body = '';
      r.setEncoding('utf8');
      r.on('data', (d) => (body += d));
      r.on('end', () => res(r.statusCode === 200 ? (/\bon (node\d)\b/.exec(body)?.[1] ?? null) : null));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => res(null));
  });
}

/** The first line a TCP client reads on VIP:2222 (HAProxy's frontend to the nodes' sshd), or null. */
function frontendBanner(): Promise<string | null> {
  return new Promise((res) => {
    const s = connect({ host: vip(), port: 2222, timeout: 3000 });
    let data = '';
    s.setEncoding('utf8');
    s.on('data', (d) => {
      data += d;
      if (data.includes('\n')) {
        s.destroy();
        res(data.split('\n')[0]!.trim());
      }
    });
    s.once('error', () => res(null));
    s.once('timeout', () => {
      s.destroy();
      res(null);
    });
    s.once('close', () => res(null));
  });
}

/**
 * Polls `probe` (bounded; no fixed sleep decides anything) until `ok` holds; returns the milliseconds it took.
 * On timeout, fails with the last value seen.
 */
async function waitFor<T>(
  what: string,
  probe: () => Promise<T>,
  ok: (v: T) => boolean,
  timeoutMs = 60_000,
): Promise<number> {
  const start = Date.now();
  let last: T | undefined;
  while (Date.now() - start < timeoutMs) {
    last = await probe();
    if (ok(last)) return Date.now() - start;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what}: not within ${timeoutMs / 1000} s; last seen: ${JSON.stringify(last)}`);
}

/** Exactly `node` holds the VIP among `nodes`, and HAProxy's page on the VIP is served by `node`. */
const servedBy = (node: string, nodes: string[]) =>
  waitFor(
    `the VIP held by ${node} alone (among ${nodes.join(', ')}) and answering from it`,
    async () => ({ holders: await holders(nodes), stats: await statsNode() }),
    (v) => v.holders.length === 1 && v.holders[0] === node && v.stats === node,
  );

const ALL = ['node1', 'node2', 'node3'];

describe('keepalived + HAProxy without Pacemaker (inventories/sandbox-keepalived.yaml)', () => {
  it('bootstrap: keepalived and HAProxy run everywhere, exactly one node (the highest priority) holds the VIP, HAProxy answers on it', async () => {
    const r = await bootstrap(inventory());
    expect(r.code, explain(r)).toBe(0);
    for (const n of ALL) {
      expect(
        await on(n, 'systemctl is-active keepalived haproxy; systemctl is-enabled keepalived haproxy'),
      ).toBe('active\nactive\nenabled\nenabled\n');
      // No cluster stack: corosync and pacemaker are not even installed.
      expect(await on(n, 'dpkg -s corosync pacemaker >/dev/null 2>&1 && echo installed || echo absent')).toBe(
        'absent\n',
      );
      expect(await on(n, "stat -c '%a %U' /etc/keepalived/keepalived.conf")).toBe('644 root\n');
    }
    await servedBy('node1', ALL);
    expect(await frontendBanner()).toMatch(/^SSH-2\.0-OpenSSH/);
    // The notify command ran on the state change: node1 logged its transition to MASTER.
    await waitFor(
      'the notify command logged MASTER on node1',
      () => on('node1', 'journalctl -t keepalived-notify -o cat --no-pager'),
      (log) => /^INSTANCE VI_LB MASTER \d+$/m.test(log),
    );
  }, 1_500_000);

  it('a rerun changes nothing', async () => {
    const r = await bootstrap(inventory());
    expect(r.code, explain(r)).toBe(0);
    for (const [host, c] of Object.entries(recap(r))) expect(c.changed, changedTasks(r, host)).toBe(0);
    await servedBy('node1', ALL);
  }, 600_000);

  it('the track script: HAProxy stopped on the master moves the VIP to the next priority; started again, it comes back', async () => {
    await on('node1', 'systemctl stop haproxy');
    const away = await servedBy('node2', ALL);
    await on('node1', 'systemctl start haproxy');
    const back = await servedBy('node1', ALL);
    console.info(`[keepalived] track script: VIP away from node1 after ${away} ms, back after ${back} ms`);
  }, 300_000);

  it("the master's container killed: the VIP answers from the backup, one holder among the survivors; the node restarted takes it back", async () => {
    const sb = sandbox();
    await crashNode(sb, 'node1');
    const failover = await servedBy('node2', ['node2', 'node3']);
    // Through the frontend: HAProxy on node2 first marks node1's sshd down (check inter 1s, fall 2), then the
    // first server up (node2) answers.
    const banner = await waitFor(
      'an SSH banner through HAProxy on the VIP',
      frontendBanner,
      (b) => b !== null && /^SSH-2\.0-OpenSSH/.test(b),
    );
    console.info(
      `[keepalived] node1 killed: VIP held by node2 alone and its stats page answering after ${failover} ms; the frontend to sshd ${banner} ms later (polled every 200 ms)`,
    );
    await restartNode(sb, 'node1');
    // keepalived and HAProxy are enabled: the rebooted node starts both and, with the highest priority, preempts.
    const back = await servedBy('node1', ALL);
    console.info(`[keepalived] node1 restarted (ssh up): VIP back on node1 after ${back} ms`);
  }, 600_000);
});
