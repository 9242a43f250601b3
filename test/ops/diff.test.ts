import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatFileDiff, unifiedDiff } from '../../src/ops/index.js';

const dir = mkdtempSync(join(tmpdir(), 'hakit-diff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** GNU diff -u's hunks (headers dropped) for the same inputs. */
function gnuHunks(a: string, b: string): string {
  writeFileSync(join(dir, 'a'), a);
  writeFileSync(join(dir, 'b'), b);
  const r = spawnSync('diff', ['-u', join(dir, 'a'), join(dir, 'b')], { encoding: 'utf8' });
  return r.stdout.split('\n').slice(2).join('\n');
}
const hunks = (d: string) => d.split('\n').slice(2).join('\n');

describe('unifiedDiff', () => {
  const cases: Array<[string, string, string]> = [
    ['one line changed', 'a\nb\nc\n', 'a\nB\nc\n'],
    ['append', 'a\nb\n', 'a\nb\nc\nd\n'],
    ['delete at start', 'x\na\nb\n', 'a\nb\n'],
    [
      'two distant hunks',
      Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n') + '\n',
      Array.from({ length: 30 }, (_, i) => (i === 2 || i === 25 ? `LINE ${i}` : `line ${i}`)).join('\n') +
        '\n',
    ],
    [
      'nearby changes merge into one hunk',
      Array.from({ length: 20 }, (_, i) => `l${i}`).join('\n') + '\n',
      Array.from({ length: 20 }, (_, i) => (i === 5 || i === 10 ? `L${i}` : `l${i}`)).join('\n') + '\n',
    ],
    ['no newline at end', 'a\nb', 'a\nc'],
    ['newline added at end', 'a\nb', 'a\nb\n'],
    ['from empty', '', 'a\nb\n'],
    ['to empty', 'a\nb\n', ''],
  ];
  for (const [name, a, b] of cases) {
    it(`matches GNU diff -u: ${name}`, () => {
      expect(hunks(unifiedDiff(a, b, '/etc/x.conf'))).toBe(gnuHunks(a, b));
    });
  }

  it('headers, creation from /dev/null, no change → empty', () => {
    expect(unifiedDiff(null, 'a\n', '/etc/new')).toBe('--- /dev/null\n+++ b/etc/new\n@@ -0,0 +1,1 @@\n+a\n');
    expect(unifiedDiff('a\n', null, '/etc/old')).toBe('--- a/etc/old\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-a\n');
    expect(unifiedDiff('same\n', 'same\n', '/x')).toBe('');
  });

  it('masks sensitive files: no line of either version appears', () => {
    const d = formatFileDiff({
      path: '/etc/corosync/authkey',
      before: 'OLDSECRET',
      after: 'NEWSECRET',
      sensitive: true,
    });
    expect(d).toBe(
      '--- a/etc/corosync/authkey\n+++ b/etc/corosync/authkey\n@@ sensitive content changed, diff not shown @@\n',
    );
    expect(d).not.toContain('SECRET');
  });
});
