import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchFactCommand, FactError, facts, getFact, parseFactBatch } from '../../src/facts/index.js';
import { type FactRequest, factKey } from '../../src/ops/types.js';
import { debian } from './samples.js';

/**
 * Fact.many: several requests of one fact answered by one snippet (one `stat`, one `sha256sum` for N files).
 * The many form must give exactly what the single form gives, request for request.
 */

const SHELLS = ['sh', 'bash'] as const; // sh is dash on Debian (what sshd runs), bash on RHEL

function run(shell: string, script: string, env?: NodeJS.ProcessEnv): string {
  const r = spawnSync(shell, ['-c', script], { encoding: 'utf8', env: env ?? process.env });
  expect(r.error).toBeUndefined();
  return r.stdout;
}

/** Each request gathered in a batch of its own: always the single snippet. */
function singly(shell: string, reqs: FactRequest[]): Map<string, unknown> {
  return new Map(
    reqs.map((r) => [factKey(r), parseFactBatch([r], run(shell, batchFactCommand([r]))).get(factKey(r))]),
  );
}

const fileMany = () => getFact('file').many!;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('file many: fixtures', () => {
  const args = [
    { path: '/etc/ssh/sshd_config' },
    { path: '/nope' },
    { path: '/etc/ssh' },
    { path: '/etc/os-release' },
    { path: "/srv/a b|c'd\\e" },
  ];
  const h = '160f305635ece2300959616ab840adeb028dfc3a986bc14859675aaf55e70bbe';
  const h2 = sha('x');
  const many = [
    'K|10111',
    'stat|regular file|644|root|root|0|0|3223|/etc/ssh/sshd_config',
    'stat|directory|755|root|root|0|0|4096|/etc/ssh',
    'stat|symbolic link|777|root|root|0|0|21|/etc/os-release',
    "stat|regular file|600|root|root|0|0|1|/srv/a b|c'd\\e",
    'S|0',
    'T|2|../usr/lib/os-release',
    'H',
    `${h}  /etc/ssh/sshd_config`,
    `\\${h2}  /srv/a b|c'd\\\\e`,
    '',
  ].join('\n');
  const singles = [
    debian.fileRegular,
    debian.fileAbsent,
    debian.fileDir,
    debian.fileLink,
    `stat|regular file|600|root|root|0|0|1\nsha256|${h2}\n`,
  ];

  it('gives the same values as the single parser on the equivalent single outputs', () => {
    const f = getFact('file');
    const want = singles.map((out, i) => f.schema.parse(f.parse(out, 0, args[i])));
    const got = fileMany()
      .parse(many, 0, args)
      .map((v) => f.schema.parse(v));
    expect(got).toEqual(want);
    expect(got[4]).toMatchObject({ mode: '0600', sha256: h2 });
  });

  it('never guesses: a failed stat, a line for another path, stray or out-of-order lines all throw', () => {
    const parse = (out: string) => () => fileMany().parse(out, 0, args);
    const statLine = /^stat\|.*\n/m;
    // stat skipped a vanished path: fewer lines and a non-zero status.
    expect(parse(many.replace(statLine, '').replace('S|0', 'S|1'))).toThrow(/stat failed/);
    // Same count but lines swapped: each line must end with its own path.
    const [l1, l2] = many.split('\n').slice(1, 3);
    expect(parse(many.replace(`${l1}\n${l2}`, `${l2}\n${l1}`))).toThrow(/not about request/);
    expect(parse(many.replace('S|0\n', ''))).toThrow();
    expect(parse(many.replace('K|10111', 'K|1011'))).toThrow(/existence line/);
    expect(parse(many.replace('T|2|', 'T|9|'))).toThrow(/out of order or range/);
    expect(parse(many.replace('T|2|../usr/lib/os-release', 'N|2'))).toThrow(/newline/);
    expect(parse(many.replace('H\n', 'H\nT|3|x\n'))).toThrow(/sha256sum output/);
    expect(parse(`${many}${h}  /etc/ssh/sshd_config\n`)).toThrow(/unexpected path/);
    expect(parse(many.replace('T|2|', 'X|2|'))).toThrow(/line marker/);
  });

  it('path_exists many: one 0/1 per path, in order', () => {
    const pe = getFact('path_exists');
    expect(pe.many!.parse('E|101\n', 0, [{ path: '/a' }, { path: '/b' }, { path: '/c' }])).toEqual([
      true,
      false,
      true,
    ]);
    expect(() => pe.many!.parse('E|10\n', 0, [{ path: '/a' }, { path: '/b' }, { path: '/c' }])).toThrow();
  });
});

describe('batch sections', () => {
  it('a lone request uses the single snippet; two or more share one many section', () => {
    const one = batchFactCommand([{ fact: 'file', args: { path: '/etc/hosts' } }]);
    expect(one).toContain('p=/etc/hosts');
    expect(one).not.toContain('set --');
    const two = batchFactCommand([
      { fact: 'file', args: { path: '/etc/hosts' } },
      { fact: 'file', args: { path: '/etc/passwd' } },
    ]);
    expect(two.match(/-BEGIN@@/g)).toHaveLength(1);
    expect(two).toContain('set -- /etc/hosts /etc/passwd');
    expect(two.match(/\bstat -c\b/g)).toHaveLength(1);
    expect(two).toContain('{\n');
    expect(two).not.toMatch(/^\($/m);
  });

  it('no snippet (single or many) calls exit: they share the batch shell', () => {
    const sample: Record<string, unknown> = {
      packages: { names: ['bash'] },
      package_updates: { names: ['bash'] },
      units: { names: ['ssh'] },
      sysctl: { names: ['vm.swappiness'] },
      users: { names: ['root'] },
      groups: { names: ['root'] },
      authorized_keys: { user: 'root' },
      block_in_file: { path: '/x', begin: 'B', end: 'E' },
      file: { path: '/x' },
      file_content: { path: '/x' },
      path_exists: { path: '/x' },
      notify_markers: { dir: '/var/lib/hakit/notify' },
      drbd_state: { resource: 'r0', minor: 0, disk: '/dev/vdb', meta_disk: 'internal' },
    };
    for (const f of Object.values(facts)) {
      if (f.name.startsWith('test_')) continue;
      const a = f.args ? f.args.parse(sample[f.name]) : undefined;
      const cmds = [f.command(a), ...(f.many ? [f.many.command([a, a])] : [])];
      // Single-quoted text is data (an awk program may say `exit`), not shell.
      for (const c of cmds) expect(c.replace(/'[^']*'/g, "''"), f.name).not.toMatch(/\bexit\b/);
    }
  });
});

describe.each(SHELLS)('many vs single on a real temp directory (%s)', (shell) => {
  let dir: string;
  const names = [
    'missing-first',
    'reg',
    'empty',
    'suid',
    'dir',
    'missing-middle',
    'link',
    'dangling',
    "with space|pipe'quote",
    'back\\slash\ttab',
    'fifo',
    'dirlink',
    'pipe-link',
    'dir/',
    'dir/inner',
    '',
    'missing-last',
  ];
  const reqs = () =>
    names.map((n): FactRequest => ({ fact: 'file', args: { path: n ? join(dir, n) : dir } }));

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hakit-many-'));
    writeFileSync(join(dir, 'reg'), 'hello\n', { mode: 0o644 });
    writeFileSync(join(dir, 'empty'), '', { mode: 0o600 });
    writeFileSync(join(dir, 'suid'), 'abc');
    chmodSync(join(dir, 'suid'), 0o4755);
    mkdirSync(join(dir, 'dir'), { mode: 0o750 });
    writeFileSync(join(dir, 'dir', 'inner'), 'inner content', { mode: 0o640 });
    symlinkSync('reg', join(dir, 'link'));
    symlinkSync('nowhere', join(dir, 'dangling'));
    symlinkSync('dir', join(dir, 'dirlink'));
    symlinkSync('a|b c', join(dir, 'pipe-link'));
    writeFileSync(join(dir, "with space|pipe'quote"), 'four', { mode: 0o604 });
    writeFileSync(join(dir, 'back\\slash\ttab'), 'fiver', { mode: 0o755 });
    expect(spawnSync('mkfifo', [join(dir, 'fifo')]).status).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('parseBatch of the batched (many) script equals the one-per-batch results, request for request', () => {
    const rs = reqs();
    const script = batchFactCommand(rs);
    expect(script.match(/-BEGIN@@/g)).toHaveLength(1);
    const many = parseFactBatch(rs, run(shell, script));
    const single = singly(shell, rs);
    expect([...many.keys()]).toEqual(rs.map(factKey));
    for (const r of rs) expect(many.get(factKey(r)), factKey(r)).toEqual(single.get(factKey(r)));
    // Sanity: the single side is right too (so both cannot be wrong the same way).
    const v = (n: string) => many.get(factKey({ fact: 'file', args: { path: n ? join(dir, n) : dir } }));
    expect(v('missing-first')).toEqual({ exists: false });
    expect(v('reg')).toMatchObject({ type: 'file', mode: '0644', size: 6, sha256: sha('hello\n') });
    expect(v('empty')).toMatchObject({ type: 'file', mode: '0600', size: 0, sha256: sha('') });
    expect(v('suid')).toMatchObject({ mode: '4755', sha256: sha('abc') });
    expect(v('dir')).toMatchObject({ type: 'directory', mode: '0750', sha256: null, target: null });
    expect(v('link')).toMatchObject({ type: 'link', target: 'reg', sha256: null });
    expect(v('dangling')).toMatchObject({ type: 'link', target: 'nowhere' });
    expect(v('pipe-link')).toMatchObject({ type: 'link', target: 'a|b c' });
    expect(v("with space|pipe'quote")).toMatchObject({ mode: '0604', size: 4, sha256: sha('four') });
    expect(v('back\\slash\ttab')).toMatchObject({ mode: '0755', size: 5, sha256: sha('fiver') });
    expect(v('fifo')).toMatchObject({ type: 'other', sha256: null });
    expect(v('dir/inner')).toMatchObject({ size: 13, sha256: sha('inner content') });
  });

  it('mixing facts keeps every key and the first-seen order; path_exists many matches single', () => {
    const p = (n: string) => join(dir, n);
    const rs: FactRequest[] = [
      { fact: 'path_exists', args: { path: p('missing-first') } },
      { fact: 'file', args: { path: p('reg') } },
      { fact: 'os' },
      { fact: 'path_exists', args: { path: p('dangling') } },
      { fact: 'file_content', args: { path: p('reg') } },
      { fact: 'file', args: { path: p('link') } },
      { fact: 'path_exists', args: { path: p('dir') } },
      { fact: 'file', args: { path: p('missing-last') } },
      { fact: 'file', args: { path: p('reg') } }, // duplicate
    ];
    const script = batchFactCommand(rs);
    expect(script.match(/-BEGIN@@/g)).toHaveLength(4); // path_exists×3, file×3, os, file_content
    const many = parseFactBatch(rs, run(shell, script));
    const keys = [...new Set(rs.map(factKey))];
    expect([...many.keys()]).toEqual(keys);
    const single = singly(shell, rs);
    for (const k of keys) expect(many.get(k), k).toEqual(single.get(k));
    expect(many.get(factKey(rs[0]!))).toBe(false);
    expect(many.get(factKey(rs[3]!))).toBe(true);
  });

  it('a path vanishing between the existence test and stat is a FactError, never a shifted line', () => {
    const rs = reqs();
    const victim = join(dir, 'vanishing');
    writeFileSync(victim, 'v');
    const all: FactRequest[] = [rs[1]!, { fact: 'file', args: { path: victim } }, rs[2]!, rs[4]!];
    // A shell function shadowing stat deletes the victim first: the race, made certain.
    const script = batchFactCommand(all).replace(
      'LC_ALL=C; export LC_ALL',
      `LC_ALL=C; export LC_ALL\nstat() { rm -f '${victim}'; command stat "$@"; }`,
    );
    const out = run(shell, script);
    let err: unknown;
    try {
      parseFactBatch(all, out);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FactError);
    expect((err as FactError).message).toMatch(/^fact file: cannot parse output \(exit \d+\): stat failed/);
    expect((err as FactError).message).not.toContain(dir);
  });
});
