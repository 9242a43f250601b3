import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalConnector } from '../../src/connect/local-connector.js';
import { HostLockedError, lockHosts, lockScript } from '../../src/session/host-lock.js';

/** The lock script runs for real here (sh + flock(1)), on a lock file in a temp directory. */
const dir = mkdtempSync(join(tmpdir(), 'hakit-lock-'));
const path = join(dir, 'hakit.lock');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('host lock', () => {
  it('refuses a second holder, naming the first, and is free again once released', async () => {
    const a = new LocalConnector('node1');
    const first = await lockHosts([a], 'hakit bootstrap by alice', { path });
    expect(first.hosts).toEqual(['node1']);
    expect(readFileSync(path, 'utf8')).toBe('hakit bootstrap by alice\n');

    const err = await lockHosts([new LocalConnector('node1')], 'hakit bootstrap by bob', { path }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(HostLockedError);
    expect((err as HostLockedError).exitCode).toBe(6);
    expect((err as Error).message).toContain('node1: another hakit run holds');
    expect((err as Error).message).toContain('hakit bootstrap by alice');

    await first.release();
    expect(readFileSync(path, 'utf8')).toBe('');
    const again = await lockHosts([new LocalConnector('node1')], 'hakit bootstrap by bob', { path });
    expect(again.hosts).toEqual(['node1']);
    await again.release();
    await again.release(); // idempotent
  });

  it('gives back the locks it took when another host is busy', async () => {
    const other = join(dir, 'other.lock');
    const busy = await lockHosts([new LocalConnector('node2')], 'the other run', { path: other });
    // node1 and node2 share nothing but the script: lock node1 on `path`, node2 on the busy file.
    const n1 = new LocalConnector('node1');
    const n2 = new LocalConnector('node2');
    const script1 = lockScript('x', path);
    const script2 = lockScript('x', other);
    const exec1 = n1.exec.bind(n1);
    const exec2 = n2.exec.bind(n2);
    n1.exec = (_c, o) => exec1(script1, o);
    n2.exec = (_c, o) => exec2(script2, o);
    await expect(lockHosts([n1, n2], 'x')).rejects.toThrow(/node2: another hakit run holds .*the other run/);
    // node1's lock was released: it can be taken at once.
    const free = await lockHosts([new LocalConnector('node1')], 'y', { path });
    await free.release();
    await busy.release();
  });

  it('names the host when the lock cannot be taken', async () => {
    await expect(
      lockHosts([new LocalConnector('node3')], 'z', { path: join(dir, 'missing', 'x.lock') }),
    ).rejects.toThrow(/node3: cannot take .*x\.lock: cannot open .*x\.lock/);
  });
});
