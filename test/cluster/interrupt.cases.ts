import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ensureBuilt, hakitUntil } from '../support/cli.js';
import type { SharedCluster } from './shared-cluster.js';

/**
 * "A run interrupted at any step converges when run again", on the shared cluster: a bootstrap killed (SIGKILL)
 * right after corosync.conf changed on every node, before its reload; the next one stopped by Ctrl-C (SIGINT) right
 * after haproxy.cfg changed everywhere, before its reload. The third run must apply what the first two left
 * undone (the reloads, from the notifications recorded on the hosts), and the fourth change nothing.
 */
export function interruptCases(c: SharedCluster): void {
  it('a bootstrap killed or interrupted between a change and its reload converges when run again', async () => {
    ensureBuilt();
    const sb = c.sandbox();
    const nodes = sb.nodes.map((n) => n.name);
    const inv = parse(readFileSync(c.baseInventory(), 'utf8')) as {
      cluster: { totem: Record<string, unknown> };
      haproxy: { frontends: Array<{ name: string; bind: string[]; [k: string]: unknown }> };
    };
    inv.cluster.totem.token = 1200;
    // A second listener on every node (HAProxy binds the port on all addresses): proof of a reload with the new file.
    inv.haproxy.frontends.push({ name: 'probe', bind: ['*:3390'], mode: 'tcp', default_backend: 'galera' });
    const changed = join(sb.dir, 'inventory-interrupted.yaml');
    writeFileSync(changed, stringify(inv));
    const token = (n: string) => c.on(n, 'corosync-cmapctl -g totem.token');
    const workers = (n: string) =>
      c.on(n, 'pgrep -P "$(systemctl show -p MainPID --value haproxy)" -d, haproxy || true');
    const listens = async (n: string) => (await c.on(n, 'ss -Htln')).includes(':3390 ');
    const before = await Promise.all(nodes.map(workers));
    const ended = (task: string) => (line: string) =>
      line.startsWith('{"type":"task.end"') && (JSON.parse(line) as { task: string }).task.startsWith(task);
    const args = (inventory: string) => ['bootstrap', '-i', inventory, '--output', 'json'];

    // 1. Killed after corosync.conf was written on every node: nothing reloaded corosync.
    const killed = await hakitUntil(args(changed), ended('corosync.conf'), 'SIGKILL');
    c.printed.push(killed.stdout, killed.stderr);
    expect(killed.signalled, c.explain(killed)).toBe(true);
    expect(killed.code).not.toBe(0);
    for (const n of nodes) {
      expect(await c.on(n, 'grep -c "token: 1200" /etc/corosync/corosync.conf')).toMatch(/^1$/m);
      expect(await token(n), `${n}: reloaded before the kill`).toMatch(/= 1000$/m);
    }

    // 2. Ctrl-C after haproxy.cfg was written everywhere: corosync's pending reload ran (recorded by run 1),
    //    HAProxy's did not.
    const interrupted = await hakitUntil(args(changed), ended('haproxy.cfg'), 'SIGINT');
    c.printed.push(interrupted.stdout, interrupted.stderr);
    expect(interrupted.signalled, c.explain(interrupted)).toBe(true);
    expect(interrupted.code, c.explain(interrupted)).not.toBe(0);
    expect(interrupted.stdout).toContain('is pending from an earlier run');
    for (const n of nodes) {
      expect(await token(n), `${n}: corosync's pending reload`).toMatch(/= 1200$/m);
      expect(await c.on(n, 'grep -c "^frontend probe" /etc/haproxy/haproxy.cfg')).toMatch(/^1$/m);
      expect(await listens(n), `${n}: HAProxy reloaded before the interrupt`).toBe(false);
    }
    expect(await Promise.all(nodes.map(workers))).toEqual(before);

    // 3. The next run reloads HAProxy (the notification run 2 recorded) on every node.
    const third = await c.bootstrap(changed);
    expect(third.code, c.explain(third)).toBe(0);
    for (const n of nodes) expect(await listens(n), `${n}: HAProxy not reloaded`).toBe(true);
    const after = await Promise.all(nodes.map(workers));
    nodes.forEach((n, i) => {
      expect(after[i], `${n}: same HAProxy worker`).not.toBe(before[i]);
    });

    // 4. Then nothing is left to do.
    const fourth = await c.bootstrap(changed);
    expect(fourth.code, c.explain(fourth)).toBe(0);
    for (const [host, r] of Object.entries(c.recap(fourth)))
      expect(r.changed, `${host} changed:\n${c.changedTasks(fourth, host)}`).toBe(0);

    // Back to the base inventory for the cases after this one.
    const back = await c.bootstrap(c.baseInventory());
    expect(back.code, c.explain(back)).toBe(0);
    for (const n of nodes) {
      expect(await token(n)).toMatch(/= 1000$/m);
      expect(await listens(n)).toBe(false);
    }
  }, 900_000);
}
