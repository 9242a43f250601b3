import { describe, expect, it } from 'vitest';
import { getOperation, PlanError } from '../../src/ops/index.js';
import { applyBlockInFile, applyLineInFile } from '../../src/ops/text-edit.js';
import { sha256 } from '../../src/ops/write-file.js';
import { contentReq, existingFile, factsFor, fileReq, planOp } from './helpers.js';

const P = '/etc/ssh/sshd_config';
const CONF = '# header\nPort 22\n#PermitRootLogin yes\nPasswordAuthentication yes\n';

describe('applyLineInFile', () => {
  it('regexp replaces the last match (first with firstmatch)', () => {
    const c = 'a=1\nb=2\na=3\n';
    expect(applyLineInFile(c, { regexp: '^a=', line: 'a=9', state: 'present' })).toBe('a=1\nb=2\na=9\n');
    expect(applyLineInFile(c, { regexp: '^a=', line: 'a=9', state: 'present', firstmatch: true })).toBe(
      'a=9\nb=2\na=3\n',
    );
  });
  it('no match: an existing identical line is enough; else insert at EOF / after / before / BOF', () => {
    expect(applyLineInFile(CONF, { regexp: '^Nope', line: 'Port 22', state: 'present' })).toBe(CONF);
    expect(applyLineInFile(CONF, { line: 'UseDNS no', state: 'present' })).toBe(`${CONF}UseDNS no\n`);
    expect(applyLineInFile(CONF, { line: 'X', state: 'present', insertafter: '^Port' })).toBe(
      '# header\nPort 22\nX\n#PermitRootLogin yes\nPasswordAuthentication yes\n',
    );
    expect(applyLineInFile(CONF, { line: 'X', state: 'present', insertbefore: '^Port' })).toBe(
      '# header\nX\nPort 22\n#PermitRootLogin yes\nPasswordAuthentication yes\n',
    );
    expect(applyLineInFile(CONF, { line: 'X', state: 'present', insertbefore: 'BOF' })).toBe(`X\n${CONF}`);
    expect(applyLineInFile(CONF, { line: 'X', state: 'present', insertafter: '^Nothing' })).toBe(
      `${CONF}X\n`,
    );
    expect(applyLineInFile('no newline at end', { line: 'X', state: 'present' })).toBe(
      'no newline at end\nX\n',
    );
  });
  it('absent removes every matching (or identical) line', () => {
    expect(applyLineInFile('a=1\nb=2\na=3\n', { regexp: '^a=', state: 'absent' })).toBe('b=2\n');
    expect(applyLineInFile('a=1\nb=2\n', { line: 'b=2', state: 'absent' })).toBe('a=1\n');
    expect(applyLineInFile('a=1\n', { line: 'a=1', state: 'absent' })).toBe('');
  });
});

describe('applyBlockInFile', () => {
  const spec = {
    begin: '# BEGIN HAKIT MANAGED BLOCK',
    end: '# END HAKIT MANAGED BLOCK',
    state: 'present' as const,
  };
  it('inserts, replaces in place, removes', () => {
    const once = applyBlockInFile('a\nb\n', { ...spec, block: 'x\ny' });
    expect(once).toBe('a\nb\n# BEGIN HAKIT MANAGED BLOCK\nx\ny\n# END HAKIT MANAGED BLOCK\n');
    expect(applyBlockInFile(once, { ...spec, block: 'x\ny\n' })).toBe(once);
    expect(applyBlockInFile(`${once}c\n`, { ...spec, block: 'z' })).toBe(
      'a\nb\n# BEGIN HAKIT MANAGED BLOCK\nz\n# END HAKIT MANAGED BLOCK\nc\n',
    );
    expect(applyBlockInFile(`${once}c\n`, { ...spec, block: '', state: 'absent' })).toBe('a\nb\nc\n');
    expect(applyBlockInFile(`${once}c\n`, { ...spec, block: '' })).toBe('a\nb\nc\n');
    expect(applyBlockInFile('a\nb\n', { ...spec, block: 'x', insertbefore: 'BOF' })).toBe(
      '# BEGIN HAKIT MANAGED BLOCK\nx\n# END HAKIT MANAGED BLOCK\na\nb\n',
    );
    expect(applyBlockInFile('a\nb\n', { ...spec, block: 'x', insertafter: '^a$' })).toBe(
      'a\n# BEGIN HAKIT MANAGED BLOCK\nx\n# END HAKIT MANAGED BLOCK\nb\n',
    );
  });
});

const facts = (
  content: string | null,
  info = content === null ? { exists: false } : existingFile({ sha256: sha256(content) }),
) =>
  [
    [fileReq(P), info],
    [contentReq(P), { exists: content !== null, content, tooLarge: false }],
  ] as Array<[never, unknown]>;

describe('lineinfile / blockinfile operations', () => {
  it('need the file and its content; write like copy with a real before/after diff', () => {
    expect(factsFor('lineinfile', { path: P, line: 'x' })).toEqual([fileReq(P), contentReq(P)]);
    const plan = planOp(
      'lineinfile',
      { path: P, regexp: '^#?PermitRootLogin', line: 'PermitRootLogin no' },
      ...facts(CONF),
    );
    const after = '# header\nPort 22\nPermitRootLogin no\nPasswordAuthentication yes\n';
    expect(plan.steps[0]).toMatchObject({ kind: 'put', content: after, mode: 0o644 });
    expect(plan.diffs).toEqual([{ path: P, before: CONF, after }]);
  });
  it('already in place → empty plan', () => {
    expect(planOp('lineinfile', { path: P, regexp: '^Port ', line: 'Port 22' }, ...facts(CONF))).toEqual({
      steps: [],
    });
    const withBlock = `${CONF}# BEGIN HAKIT MANAGED BLOCK\nMatch User x\n# END HAKIT MANAGED BLOCK\n`;
    expect(planOp('blockinfile', { path: P, block: 'Match User x' }, ...facts(withBlock))).toEqual({
      steps: [],
    });
  });
  it('custom markers', () => {
    const plan = planOp(
      'blockinfile',
      { path: P, block: 'k v', marker: '// {mark} managed', marker_begin: 'start', marker_end: 'stop' },
      ...facts('x\n'),
    );
    expect(plan.steps[0]).toMatchObject({ content: 'x\n// start managed\nk v\n// stop managed\n' });
  });
  it('missing file: error unless create; absent on a missing file → empty', () => {
    expect(() => planOp('lineinfile', { path: P, line: 'x' }, ...facts(null))).toThrow(PlanError);
    const created = planOp('lineinfile', { path: P, line: 'x', create: true, mode: '0600' }, ...facts(null));
    expect(created.steps[0]).toMatchObject({ kind: 'put', content: 'x\n', mode: 0o600 });
    expect(created.diffs).toEqual([{ path: P, before: null, after: 'x\n' }]);
    expect(planOp('lineinfile', { path: P, line: 'x', state: 'absent' }, ...facts(null))).toEqual({
      steps: [],
    });
    expect(planOp('blockinfile', { path: P, state: 'absent' }, ...facts(null))).toEqual({ steps: [] });
  });
  it('args: bad regexps, multi-line lines, conflicting insert positions are rejected', () => {
    const op = getOperation('lineinfile');
    expect(op.args.safeParse({ path: P, line: 'x', regexp: '(' }).success).toBe(false);
    expect(op.args.safeParse({ path: P, line: 'a\nb' }).success).toBe(false);
    expect(op.args.safeParse({ path: P, line: 'x', insertafter: 'a', insertbefore: 'b' }).success).toBe(
      false,
    );
    expect(op.args.safeParse({ path: P }).success).toBe(false);
    expect(getOperation('blockinfile').args.safeParse({ path: P, marker: '# no mark' }).success).toBe(false);
  });
});
