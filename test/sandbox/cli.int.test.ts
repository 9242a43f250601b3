import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { loadSandbox, sandboxDown, sandboxStatus } from '../../src/sandbox/index.js';
import { uniqueSandboxName } from '../support/sandbox-fixture.js';

/** Runs the CLI in-process and captures what it writes. */
async function hakit(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => out.push(String(s)) > 0);
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => err.push(String(s)) > 0);
  const before = process.exitCode;
  try {
    const code = await main(['node', 'hakit', ...args]);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    o.mockRestore();
    e.mockRestore();
    process.exitCode = before;
  }
}

describe('hakit sandbox (CLI)', () => {
  const name = uniqueSandboxName('cli');
  afterAll(() => sandboxDown(name));

  it('up, status, ssh and down work end to end', async () => {
    const up = await hakit('sandbox', 'up', '--name', name, '--nodes', '2');
    expect(up.code, `sandbox up: ${up.stderr}\n${up.stdout}`).toBe(0);
    expect(up.stdout).toMatch(new RegExp(`sandbox '${name}' is up`));
    expect(up.stderr).toMatch(/node2 \(10\.213\.\d+\.12\) is up/);
    const sb = await loadSandbox(name);
    expect(sb?.nodes).toHaveLength(2);

    const status = await hakit('sandbox', 'status', '--name', name);
    expect(status.stdout).toMatch(/node1\s+10\.213\.\d+\.11\s+running/);
    expect(status.stdout).toMatch(/node2\s+10\.213\.\d+\.12\s+running/);

    // ssh with a command inherits stdio: check its exit code (`false` → 1, `true` → 0).
    const ok = await hakit('sandbox', 'ssh', 'node2', '--name', name, '--', 'test "$(hostname)" = node2');
    expect(ok.code, `sandbox ssh: ${ok.stderr}`).toBe(0);
    const no = await hakit('sandbox', 'ssh', 'node2', '--name', name, '--', 'false');
    expect(no.code, `sandbox ssh false: ${no.stderr}`).toBe(1);

    const down = await hakit('sandbox', 'down', '--name', name);
    expect(down.code, `sandbox down: ${down.stderr}`).toBe(0);
    expect((await sandboxStatus(name)).exists).toBe(false);
  });

  it('rejects bad input with exit 2 before touching Docker', async () => {
    const badName = await hakit('sandbox', 'up', '--name', 'Bad_Name');
    expect(badName.code, badName.stderr).toBe(2);
    const tooMany = await hakit('sandbox', 'up', '--nodes', '31', '--name', name);
    expect(tooMany.code, tooMany.stderr).toBe(2);
    expect((await sandboxStatus(name)).exists).toBe(false);
  });
});
