import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getOperation, type Plan, PlanError } from '../../src/ops/index.js';
import { sha256, tempPathFor } from '../../src/ops/write-file.js';
import { commands, contentReq, existingFile, factsFor, fileReq, planOp } from './helpers.js';

const DEST = '/etc/app/app.conf';
const BODY = 'listen = 80\n';

describe('copy planner', () => {
  it('a new file: put a temp file next to dest, then install it (atomic), with a diff from nothing', () => {
    const plan = planOp('copy', { dest: DEST, content: BODY, mode: '0640', owner: 'root', group: 'adm' }, [
      fileReq(DEST),
      { exists: false },
    ]);
    const tmp = `/etc/app/.app.conf.hakit-${sha256(BODY).slice(0, 12)}.tmp`;
    expect(tempPathFor(DEST, BODY)).toBe(tmp);
    expect(plan.steps[0]).toEqual({
      kind: 'put',
      path: tmp,
      content: BODY,
      mode: 0o640,
      display: `put ${tmp} (12 bytes)`,
    });
    expect(plan.steps).toHaveLength(2);
    const install = plan.steps[1]!;
    expect(install.kind).toBe('exec');
    if (install.kind !== 'exec') return;
    expect(install.command).toContain(`t=${tmp}; d=${DEST}`);
    expect(install.command).toContain('chown root:adm -- "$t"');
    expect(install.command).toContain('chmod 0640 -- "$t"');
    expect(install.command).toContain('mv -f -T -- "$t" "$d"');
    expect(install.command).toContain('mountpoint -q -- "$d"');
    expect(install.command).toContain('cat -- "$t" > "$d"');
    expect(install.command).not.toContain('date +'); // no backup asked
    expect(plan.diffs).toEqual([{ path: DEST, before: null, after: BODY }]);
    expect(plan.summary).toBe(`write ${DEST} (mode 0640, root:adm)`);
  });

  it('same content and attributes: empty plan (idempotent)', () => {
    const cur = existingFile({ sha256: sha256(BODY), mode: '0640', group: 'adm', gid: 4 });
    expect(
      planOp('copy', { dest: DEST, content: BODY, mode: '0640', group: 'adm' }, [fileReq(DEST), cur]),
    ).toEqual({
      steps: [],
    });
    // Numeric ids compare with uid/gid; YAML's `mode: 0640` arrives as the number 640.
    expect(
      planOp('copy', { dest: DEST, content: BODY, mode: 640, group: 4 }, [fileReq(DEST), cur]).steps,
    ).toEqual([]);
  });

  it('same content, other mode/owner: only chmod/chown, no rewrite', () => {
    const cur = existingFile({ sha256: sha256(BODY), mode: '0644' });
    const plan = planOp('copy', { dest: DEST, content: BODY, mode: '0600', owner: 'hacluster' }, [
      fileReq(DEST),
      cur,
    ]);
    expect(commands(plan)).toEqual([`chown hacluster -- ${DEST}`, `chmod 0600 -- ${DEST}`]);
    expect(plan.diffs).toBeUndefined();
  });

  it('changed content keeps the existing mode and owner unless told otherwise; diff needs the content fact', () => {
    const cur = existingFile({ mode: '0600', owner: 'hacluster', group: 'haclient' });
    const withoutContent = planOp('copy', { dest: DEST, content: BODY }, [fileReq(DEST), cur]);
    expect(withoutContent.steps[0]).toMatchObject({ kind: 'put', mode: 0o600 });
    expect(commands(withoutContent)[1]).toContain('chown hacluster:haclient -- "$t"');
    expect(withoutContent.diffs).toBeUndefined();
    const withContent = planOp(
      'copy',
      { dest: DEST, content: BODY },
      [fileReq(DEST), cur],
      [contentReq(DEST), { exists: true, content: 'listen = 8080\n', tooLarge: false }],
    );
    expect(withContent.diffs).toEqual([{ path: DEST, before: 'listen = 8080\n', after: BODY }]);
  });

  it('validate runs on the temp file before the rename, marked purpose validate; backup goes in the install', () => {
    const plan = planOp('copy', { dest: DEST, content: BODY, validate: 'haproxy -c -f %s', backup: true }, [
      fileReq(DEST),
      existingFile(),
    ]);
    const tmp = tempPathFor(DEST, BODY);
    expect(plan.steps[1]).toEqual({
      kind: 'exec',
      command: `if haproxy -c -f ${tmp}; then :; else rc=$?; rm -f -- ${tmp}; exit $rc; fi`,
      purpose: 'validate',
    });
    expect(commands(plan)[2]).toContain('cp -p -- "$d" "$d.$(date +%Y%m%d%H%M%S)~"');
  });

  it('sensitive: no old content is fetched, the diff is flagged, the content never shows', () => {
    const op = getOperation('copy');
    const args = op.args.parse({
      dest: '/etc/corosync/authkey',
      content: 'TOPSECRET',
      sensitive: true,
      mode: '0400',
    });
    expect(op.diffFacts!(args)).toEqual([]);
    expect(getOperation('copy').diffFacts!(op.args.parse({ dest: DEST, content: 'x' }))).toEqual([
      contentReq(DEST),
    ]);
    const plan = op.plan(args, new Map([['file:{"path":"/etc/corosync/authkey"}', existingFile()]]));
    expect(plan.diffs).toEqual([
      { path: '/etc/corosync/authkey', before: null, after: 'TOPSECRET', sensitive: true },
    ]);
    const shown = plan.steps.map((s) => s.display ?? (s.kind === 'exec' ? s.command : '')).join('\n');
    expect(shown).not.toContain('TOPSECRET');
    expect(plan.steps[0]!.display).toContain('sensitive');
  });

  it('refuses to write over a directory; rejects bad args', () => {
    expect(() =>
      planOp('copy', { dest: DEST, content: BODY }, [fileReq(DEST), existingFile({ type: 'directory' })]),
    ).toThrow(PlanError);
    const copy = getOperation('copy');
    expect(copy.args.safeParse({ dest: DEST, content: 'x', validate: 'nginx -t' }).success).toBe(false);
    expect(copy.args.safeParse({ dest: DEST, content: 'x', mode: '0999' }).success).toBe(false);
    expect(copy.args.safeParse({ dest: DEST, content: 'x', src: 'a.j2' }).success).toBe(false);
    expect(copy.args.safeParse({ dest: 'relative', content: 'x' }).success).toBe(false);
    expect(factsFor('template', { dest: DEST, content: 'x' })).toEqual([fileReq(DEST)]);
  });
});

/** Runs a plan with the local sh and fs (put = write file): the real shell logic, minus SSH. */
function runLocally(plan: Plan): { ok: boolean; stderr: string } {
  for (const s of plan.steps) {
    if (s.kind === 'put') {
      writeFileSync(s.path, s.content, { mode: s.mode });
      continue;
    }
    const r = spawnSync('sh', ['-c', s.command], { encoding: 'utf8' });
    if (r.status !== 0) return { ok: false, stderr: r.stderr };
  }
  return { ok: true, stderr: '' };
}

describe('copy install script (run by the local sh)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hakit-copy-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('renames into place, backs up the old file, leaves no temp file', () => {
    const dest = join(dir, 'a.conf');
    writeFileSync(dest, 'old\n', { mode: 0o600 });
    const plan = planOp('copy', { dest, content: 'new\n', mode: '0640', backup: true }, [
      fileReq(dest),
      existingFile({ mode: '0600' }),
    ]);
    expect(runLocally(plan)).toEqual({ ok: true, stderr: '' });
    expect(readFileSync(dest, 'utf8')).toBe('new\n');
    expect(statSync(dest).mode & 0o777).toBe(0o640);
    const names = readdirSync(dir);
    const backup = names.find((n) => /^a\.conf\.\d{14}~$/.test(n));
    expect(backup).toBeDefined();
    expect(readFileSync(join(dir, backup!), 'utf8')).toBe('old\n');
    expect(names.filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('a failing validator keeps the old file and removes the temp file', () => {
    const dest = join(dir, 'b.conf');
    writeFileSync(dest, 'good\n');
    const plan = planOp('copy', { dest, content: 'bad\n', validate: 'grep -q good %s' }, [
      fileReq(dest),
      existingFile(),
    ]);
    expect(runLocally(plan).ok).toBe(false);
    expect(readFileSync(dest, 'utf8')).toBe('good\n');
    expect(readdirSync(dir).filter((n) => n.startsWith('.b.conf'))).toEqual([]);
  });

  it("a rename that fails for another reason (not a mount point) fails with mv's message", () => {
    const dest = join(dir, 'adir');
    // dest is a non-empty directory: mv cannot replace it, and it is no bind mount → error, temp removed.
    const plan = planOp('copy', { dest: join(dest, 'sub'), content: 'x\n' }, [
      fileReq(join(dest, 'sub')),
      { exists: false },
    ]);
    spawnSync('mkdir', ['-p', join(dest, 'sub', 'inner')]);
    const r = runLocally(plan);
    expect(r.ok).toBe(false);
    expect(r.stderr).toMatch(/mv: /);
    expect(readdirSync(dest).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});
