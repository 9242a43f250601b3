import { describe, expect, it } from 'vitest';
import { getOperation } from '../../src/ops/index.js';
import { factsFor, planOp } from './helpers.js';

const exists = (path: string, v: boolean) => [{ fact: 'path_exists', args: { path } }, v] as [never, boolean];

describe('command and shell', () => {
  it('always runs without creates/removes', () => {
    expect(planOp('shell', { cmd: 'echo hi | wc -c' })).toEqual({
      steps: [{ kind: 'exec', command: 'echo hi | wc -c' }],
      summary: 'run echo hi | wc -c',
    });
    expect(factsFor('shell', { cmd: 'true' })).toEqual([]);
  });

  it('creates: skipped when the path exists; removes: skipped when it does not', () => {
    expect(factsFor('command', { cmd: 'make', creates: '/opt/x' })).toEqual([
      { fact: 'path_exists', args: { path: '/opt/x' } },
    ]);
    expect(planOp('command', { cmd: 'make', creates: '/opt/x' }, exists('/opt/x', true)).steps).toEqual([]);
    expect(planOp('command', { cmd: 'make', creates: '/opt/x' }, exists('/opt/x', false)).steps).toHaveLength(
      1,
    );
    expect(planOp('shell', { cmd: 'rm /tmp/f', removes: '/tmp/f' }, exists('/tmp/f', false)).steps).toEqual(
      [],
    );
    expect(
      planOp('shell', { cmd: 'rm /tmp/f', removes: '/tmp/f' }, exists('/tmp/f', true)).steps,
    ).toHaveLength(1);
  });

  it('argv is quoted word by word; chdir and env are applied; stdin passed through', () => {
    const plan = planOp('command', {
      argv: ['printf', '%s\n', "it's $HOME"],
      chdir: '/var/tmp',
      env: { LANG: 'C', TOKEN: 's3cret' },
      stdin: 'input',
    });
    expect(plan.steps).toEqual([
      {
        kind: 'exec',
        command: "cd /var/tmp || exit 1\nexport LANG=C\nexport TOKEN=s3cret\nprintf '%s\n' 'it'\\''s $HOME'",
        stdin: 'input',
        display: "LANG=… TOKEN=… printf '%s\n' 'it'\\''s $HOME'",
      },
    ]);
  });

  it('changed_when/failed_when are accepted (evaluated by the engine); exactly one of cmd/argv', () => {
    const op = getOperation('command');
    expect(op.args.parse({ cmd: 'x', changed_when: false, failed_when: 'rc > 1' })).toMatchObject({
      changed_when: false,
      failed_when: 'rc > 1',
    });
    expect(op.args.safeParse({}).success).toBe(false);
    expect(op.args.safeParse({ cmd: 'x', argv: ['x'] }).success).toBe(false);
    expect(getOperation('shell').args.safeParse({ cmd: 'x', creates: 'relative' }).success).toBe(false);
  });
});
