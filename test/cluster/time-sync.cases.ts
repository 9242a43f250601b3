import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ensureBuilt, hakit } from '../support/cli.js';
import { runEvents, type SharedCluster } from './shared-cluster.js';

/**
 * The time wait of `hakit bootstrap` (issue #12, item 3: `chrony_wait_sync`, playbooks/prepare.yaml) against a
 * real chronyd on a sandbox host. A container may not set the clock (no CAP_SYS_TIME: Debian's chrony.service does
 * not even start there, and the bootstrap skips chrony in containers), but chronyd without clock control (`-x`)
 * still measures its sources and reports its leap status like any chronyd. So node1 runs two: the one chronyc
 * talks to (default sockets), whose only source is a second chronyd serving its local clock on 127.0.0.1:11123
 * (`local stratum 8`), started only in the second case. First the wait must time out, naming node1 with
 * chronyc's tracking report; then, once the source answers, it must return as soon as chronyd is synchronised.
 */
export function timeSyncCases(c: SharedCluster): void {
  const playbook = (f: string) => join(import.meta.dirname, 'fixtures', f);
  const setup = [
    'set -e',
    'mkdir -p /run/chrony /run/hakit-test-chrony-srv /root/hakit-test-chrony',
    "printf 'server 127.0.0.1 port 11123 iburst minpoll 0 maxpoll 2\\nport 0\\nmakestep 1 3\\ndriftfile /root/hakit-test-chrony/client.drift\\n' > /root/hakit-test-chrony/client.conf",
    "printf 'local stratum 8\\nallow 127.0.0.1\\nbindaddress 127.0.0.1\\nport 11123\\ncmdport 0\\nbindcmdaddress /run/hakit-test-chrony-srv/chronyd.sock\\npidfile /run/hakit-test-chrony-srv/chronyd.pid\\ndriftfile /root/hakit-test-chrony/server.drift\\n' > /root/hakit-test-chrony/server.conf",
    'if pidof chronyd >/dev/null; then echo "a chronyd runs already" >&2; exit 1; fi',
    'chronyd -x -f /root/hakit-test-chrony/client.conf',
  ].join('\n');
  const cleanup = 'pkill -x chronyd || true; rm -rf /root/hakit-test-chrony /run/hakit-test-chrony-srv';

  it('the time wait: fails naming the node and chronyc tracking while no source answers, passes once chronyd is synchronised', async () => {
    ensureBuilt();
    await c.on('node1', setup);
    try {
      const r = await hakit(
        [
          'run',
          playbook('wait-time-short.yaml'),
          '-i',
          c.baseInventory(),
          '--limit',
          'node1',
          '--output',
          'json',
        ],
        { timeoutMs: 300_000 },
      );
      c.printed.push(r.stdout, r.stderr);
      expect(r.code, c.explain(r)).toBe(4);
      const failed = runEvents(r).find((e) => e.type === 'task.host' && e.status === 'failed');
      expect(failed?.host, c.explain(r)).toBe('node1');
      expect(failed?.error?.stderr).toMatch(
        /time not synchronised after 6 s \(leap status: Not synchronised/,
      );
      expect(failed?.error?.stderr).toMatch(/Reference ID\s*:/);

      await c.on(
        'node1',
        [
          'chronyd -x -f /root/hakit-test-chrony/server.conf || exit 1',
          // chronyd returns once it forked: wait (bounded) until the server has written its pid file.
          'for i in $(seq 1 100); do [ -s /run/hakit-test-chrony-srv/chronyd.pid ] && exit 0; sleep 0.1; done',
          'echo "the serving chronyd did not start" >&2; exit 1',
        ].join('\n'),
      );
      const ok = await hakit(
        ['run', playbook('wait-time.yaml'), '-i', c.baseInventory(), '--limit', 'node1', '--output', 'json'],
        { timeoutMs: 300_000 },
      );
      c.printed.push(ok.stdout, ok.stderr);
      expect(ok.code, c.explain(ok)).toBe(0);
      // chronyd says so itself: synchronised to the source on 127.0.0.1.
      const tracking = await c.on('node1', 'chronyc -n tracking');
      expect(tracking).toMatch(/^Leap status\s*:\s*Normal$/m);
      expect(tracking).toMatch(/^Reference ID\s*:\s*7F000001/m);
    } finally {
      await c.on('node1', cleanup);
    }
  }, 600_000);
}
