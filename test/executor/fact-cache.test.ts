import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalConnector } from '../../src/connect/index.js';
import { HostFactCache } from '../../src/executor/fact-cache.js';
import { Counting, stateFacts } from './support/state-facts.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hakit-fc-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * Hints: the facts later tasks of the play will ask for. A gather for the running task also fetches the hinted
 * facts of that task and the ones after it (never of tasks already past), so after a change drops facts the
 * rest of the play needs one round trip, not one per task.
 */
describe('HostFactCache hints', () => {
  const st = (p: string) => ({ fact: 'state', args: { path: p } });

  it('a miss gathers the hinted facts of the current and later tasks in the same round trip', async () => {
    const conn = new Counting('local');
    const cache = new HostFactCache(conn, stateFacts);
    const [a, b, c] = ['a', 'b', 'c'].map((n) => join(dir, n)) as [string, string, string];
    await writeFile(c, 'C\n');
    const tasks = [{ id: 1 }, { id: 2 }, { id: 3 }];
    cache.setHints([
      { task: tasks[0], reqs: [st(a)] },
      { task: tasks[1], reqs: [st(b)] },
      { task: tasks[2], reqs: [st(c)] },
    ]);
    cache.reached(tasks[1]);
    await cache.get([st(b)]);
    expect(conn.calls).toHaveLength(1);
    expect(cache.peek(st(c))).toBe('C'); // a later task's fact came along
    expect(cache.has(st(a))).toBe(false); // an earlier task's did not
    await cache.get([st(c)]);
    expect(conn.calls).toHaveLength(1);
  });

  it('stops after the next opaque task (a command may drop every fact again): no gathering past it', async () => {
    const conn = new Counting('local');
    const cache = new HostFactCache(conn, stateFacts);
    const [a, b, c] = ['a', 'b', 'c'].map((n) => join(dir, n)) as [string, string, string];
    cache.setHints([
      { task: 1, reqs: [st(a)] },
      { task: 2, reqs: [st(b)], opaque: true },
      { task: 3, reqs: [st(c)] },
    ]);
    await cache.get([st(a)]);
    expect(cache.has(st(b))).toBe(true); // the next opaque task's own facts come along
    expect(cache.has(st(c))).toBe(false); // nothing after it
    // The opaque task is running now: its change would drop what comes after it, so nothing rides along.
    cache.invalidateAll();
    cache.reached(2);
    await cache.get([st(b)]);
    expect(cache.has(st(c))).toBe(false);
  });

  it('withHints: false gathers only what was asked', async () => {
    const conn = new Counting('local');
    const cache = new HostFactCache(conn, stateFacts);
    cache.setHints([{ task: 1, reqs: [st(join(dir, 'x'))] }]);
    await cache.get([st(join(dir, 'y'))], { withHints: false });
    expect(cache.has(st(join(dir, 'x')))).toBe(false);
  });

  it('a hinted fact that cannot be gathered never fails the task that did not ask for it', async () => {
    const conn = new Counting('local');
    const cache = new HostFactCache(conn, stateFacts);
    cache.setHints([{ task: 1, reqs: [{ fact: 'broken', args: { path: '/x' } }] }]);
    const got = await cache.get([st(join(dir, 'y'))]);
    expect([...got.values()]).toEqual(['absent']);
    expect(conn.calls).toHaveLength(2); // the combined gather failed, the retry asked only for what was needed
    expect(cache.has({ fact: 'broken', args: { path: '/x' } })).toBe(false);
  });
});

describe('HostFactCache.aboutPaths', () => {
  it('matches a tree path and what lies below it, exact paths alone, and never a mere name prefix', async () => {
    const seeded: typeof stateFacts = {
      ...stateFacts,
      command: () => 'true',
      parse: (reqs) => new Map(reqs.map((r) => [JSON.stringify(r), 'x'])),
    };
    const cache = new HostFactCache(new LocalConnector('local'), seeded);
    const f = (path: string) => ({ fact: 'file', args: { path } });
    const reqs = [f('/etc/w1'), f('/etc/w1/conf.d/a.conf'), f('/etc/w1x'), f('/etc'), f('/var/lib/w1')];
    await cache.get(reqs);
    const paths = (t: string[], e: string[] = []) =>
      cache.aboutPaths(t, e).map((r) => (r.args as { path: string }).path);
    expect(paths(['/etc/w1'])).toEqual(['/etc/w1', '/etc/w1/conf.d/a.conf']);
    expect(paths([], ['/etc', '/etc/w1'])).toEqual(['/etc/w1', '/etc']);
    expect(paths([], ['/etc/w1/conf.d'])).toEqual([]);
  });
});
