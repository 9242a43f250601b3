import { expect, it } from 'vitest';
import type { SharedCluster } from './shared-cluster.js';

/** A port no role of the sandbox needs: a listener the test starts there must not be reachable from a peer. */
const PROBE_PORT = 5999;
const PROBE_UNIT = 'hakit-test-probe-5999';

/** Python on a node: connects to ADDR:PORT (3 s bound), prints `open` or `closed <reason>`. */
const connectFrom = (addr: string, port: number) =>
  `python3 -c "import socket
s = socket.socket(); s.settimeout(3)
try:
    s.connect(('${addr}', ${port})); print('open')
except Exception as e:
    print('closed', type(e).__name__)"`;

/**
 * Host preparation on the shared cluster (issue #12, items 1 and 2), right after the first bootstrap: ufw enabled
 * inside every container (its own network namespace) with only the ports the roles need, and root SSH trust
 * between the nodes with StrictHostKeyChecking on. Each fact is read on the hosts, not from the recap.
 */
export function hostPrepCases(c: SharedCluster): void {
  it("host firewall: ufw active on every node with hakit's rules; a port no role needs is refused from a peer while the cluster's ports answer", async () => {
    const sb = c.sandbox();
    for (const n of sb.nodes) {
      const st = await c.on(n.name, 'ufw status verbose');
      expect(st, n.name).toMatch(/^Status: active$/m);
      expect(st, n.name).toMatch(/^Default: deny \(incoming\)/m);
      // Exactly these rules (IPv4; ufw adds the public ones for IPv6 too): SSH and the frontend from anyone, the
      // cluster's ports from each peer's address only.
      const rules = st
        .split('\n')
        .filter((l) => l.includes('ALLOW IN') && !l.includes('(v6)'))
        .map((l) => l.replace(/\s+/g, ' ').trim());
      const peers = sb.nodes.filter((x) => x !== n).map((p) => p.address as string);
      expect(rules, n.name).toEqual([
        '22/tcp ALLOW IN Anywhere # hakit ssh',
        '3307/tcp ALLOW IN Anywhere # hakit haproxy mysql',
        ...peers.flatMap((p) => [
          `3306,4444,4567,4568,9200/tcp ALLOW IN ${p} # hakit cluster`,
          `4567,5405/udp ALLOW IN ${p} # hakit cluster`,
        ]),
      ]);
      // Nothing else is open: the stats page binds 127.0.0.1, no pcsd, no pacemaker_remote.
      expect(st, n.name).not.toMatch(/^(8404|2224|3121|5999)\b/m);
    }
    const [a, b] = sb.nodes as [(typeof sb.nodes)[0], (typeof sb.nodes)[0]];
    const addr = a.address as string;
    await c.on(
      a.name,
      `systemctl stop ${PROBE_UNIT} 2>/dev/null; systemctl reset-failed ${PROBE_UNIT} 2>/dev/null; systemd-run --unit=${PROBE_UNIT} python3 -c "import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('${addr}', ${PROBE_PORT})); s.listen()
while True:
    c, _ = s.accept(); c.close()"`,
    );
    try {
      // Listening (bounded wait: 60 checks, 0.5 s apart), and reachable on the node itself (loopback is allowed).
      await c.on(
        a.name,
        `i=0; until ss -Htln | grep -q '${addr}:${PROBE_PORT} '; do i=$((i+1)); [ $i -ge 60 ] && exit 1; sleep 0.5; done`,
      );
      expect((await c.on(a.name, connectFrom(addr, PROBE_PORT))).trim()).toBe('open');
      // From a peer: dropped by ufw (deny incoming), while MariaDB and clustercheck on the same node answer.
      expect((await c.on(b.name, connectFrom(addr, PROBE_PORT))).trim()).toMatch(/^closed /);
      expect((await c.on(b.name, connectFrom(addr, 3306))).trim()).toBe('open');
      expect(
        (
          await c.on(
            b.name,
            `python3 -c "import urllib.request; print(urllib.request.urlopen('http://${addr}:9200/', timeout=10).status)"`,
          )
        ).trim(),
      ).toBe('200');
      // From this machine (not a cluster node): SSH and the HAProxy frontend on the VIP answer, MariaDB does not.
      expect(await c.tcpConnects(addr, 22)).toBe(true);
      expect(await c.tcpConnects(sb.vip, 3307)).toBe(true);
      expect(await c.tcpConnects(addr, 3306)).toBe(false);
    } finally {
      await c.on(
        a.name,
        `systemctl stop ${PROBE_UNIT} 2>/dev/null; systemctl reset-failed ${PROBE_UNIT} 2>/dev/null; true`,
      );
    }
  });

  it('root SSH trust: ssh -o BatchMode=yes -o StrictHostKeyChecking=yes works from each node to each other node, by name and by address', async () => {
    const sb = c.sandbox();
    for (const n of sb.nodes) {
      expect(await c.on(n.name, 'stat -c %a /root/.ssh/id_ed25519')).toBe('600\n');
      for (const p of sb.nodes.filter((x) => x !== n))
        for (const target of [p.name, p.address as string]) {
          const out = await c.on(
            n.name,
            `ssh -o BatchMode=yes -o StrictHostKeyChecking=yes -o ConnectTimeout=10 root@${target} 'true && cat /etc/hostname'`,
          );
          expect(out.trim(), `${n.name} → ${target}`).not.toBe('');
        }
    }
    // No private key in anything hakit printed.
    expect(c.printed.join('\n')).not.toMatch(/PRIVATE KEY/);
  });
}
