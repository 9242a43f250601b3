import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalConnector } from '../../src/connect/index.js';

describe('LocalConnector', () => {
  const c = new LocalConnector('here');
  const dir = mkdtempSync(join(tmpdir(), 'hakit-local-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs sh -c with exit code, stdout, stderr, stdin and env', async () => {
    const r = await c.exec('read x; echo "got $x $V"; echo oops >&2; exit 3', {
      stdin: 'abc\n',
      env: { V: 'v1' },
    });
    expect(r).toMatchObject({ exitCode: 3, stdout: 'got abc v1\n', stderr: 'oops\n' });
    expect(r.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('a timeout kills the command: exitCode null, signal TIMEOUT', async () => {
    const r = await c.exec('echo started; sleep 30; echo never', { timeoutMs: 300 });
    expect(r.exitCode).toBeNull();
    expect(r.signal).toBe('TIMEOUT');
    expect(r.stdout).toBe('started\n');
  });

  it('putFile/getFile with mode; getFile null when missing', async () => {
    const f = join(dir, 'f.txt');
    await c.putFile(f, 'data ✓', 0o640);
    expect((await c.getFile(f))?.toString()).toBe('data ✓');
    expect(statSync(f).mode & 0o777).toBe(0o640);
    expect(await c.getFile(join(dir, 'missing'))).toBeNull();
  });
});
