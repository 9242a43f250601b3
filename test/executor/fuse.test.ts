import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fusedFailure, fuseSteps } from '../../src/executor/fuse.js';
import type { Step } from '../../src/ops/types.js';

/** The fused scripts are run by the real `sh`, as a host would run them. */
function sh(command: string, stdin?: string | Buffer) {
  const r = spawnSync('sh', ['-c', command], { input: stdin ?? '', encoding: 'utf8' });
  return { rc: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('fuseSteps', () => {
  it('writes a file body, validates and installs it in one command', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hakit-fuse-'));
    const tmp = join(dir, '.x.tmp');
    const dest = join(dir, 'x.conf');
    const steps: Step[] = [
      { kind: 'put', path: tmp, content: 'key = 1\n', mode: 0o640 },
      { kind: 'exec', command: `grep -q key ${tmp}`, purpose: 'validate' },
      { kind: 'exec', command: `mv -f ${tmp} ${dest}` },
    ];
    const fused = fuseSteps(steps);
    expect(fused).toHaveLength(1);
    expect(fused[0]!.indices).toEqual([0, 1, 2]);
    const r = sh(fused[0]!.command, fused[0]!.stdin);
    expect(r.rc).toBe(0);
    expect(readFileSync(dest, 'utf8')).toBe('key = 1\n');
    expect(statSync(dest).mode & 0o777).toBe(0o640);
  });

  it('reports the failing step, its exit code and clean stderr, and runs nothing after it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hakit-fuse-'));
    const steps: Step[] = [
      { kind: 'exec', command: `touch ${join(dir, 'a')}` },
      { kind: 'exec', command: 'echo bad config >&2; exit 3', purpose: 'validate' },
      { kind: 'exec', command: `touch ${join(dir, 'c')}` },
    ];
    const [cmd] = fuseSteps(steps);
    const r = sh(cmd!.command);
    expect(r.rc).toBe(3);
    const f = fusedFailure(r.stderr);
    expect(f).toEqual({ index: 1, rc: 3, stderr: 'bad config\n' });
    expect(() => statSync(join(dir, 'c'))).toThrow();
  });

  it('honours okCodes per step, and an `exit` inside a step ends only that step', () => {
    const [cmd] = fuseSteps([
      { kind: 'exec', command: 'exit 1', okCodes: [0, 1] },
      { kind: 'exec', command: 'echo after' },
    ]);
    const r = sh(cmd!.command);
    expect(r.rc).toBe(0);
    expect(r.stdout).toBe('after\n');
  });

  it('gives stdin only to the first step of a command; a later step with stdin starts a new command', () => {
    const fused = fuseSteps([
      { kind: 'exec', command: 'cat', stdin: 'one' },
      { kind: 'exec', command: 'cat' },
      { kind: 'exec', command: 'cat', stdin: 'two' },
    ]);
    expect(fused.map((f) => f.indices)).toEqual([[0, 1], [2]]);
    expect(sh(fused[0]!.command, fused[0]!.stdin).stdout).toBe('one');
    expect(fused[1]!.command).toBe('cat');
  });

  it('leaves a lone exec step exactly as planned', () => {
    expect(fuseSteps([{ kind: 'exec', command: 'systemctl restart x', timeoutMs: 5000 }])).toEqual([
      { command: 'systemctl restart x', indices: [0], timeoutMs: 5000 },
    ]);
  });
});
