import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  batchFactCommand,
  FactError,
  getFact,
  normalizeSysctlValue,
  parseFactBatch,
} from '../../src/facts/index.js';
import { type FactRequest, factKey } from '../../src/ops/types.js';
import { shq } from '../../src/shell/posix.js';

/**
 * The prefetch facts made cheaper: sysctl and file_content answer many requests in one section,
 * authorized_keys starts at most four processes. Each new form is checked against the single form (or
 * against a copy of the former snippet) on real files, under dash and bash.
 */

const SHELLS = ['sh', 'bash'] as const;

function run(shell: string, script: string): string {
  const r = spawnSync(shell, ['-c', script], { encoding: 'utf8' });
  expect(r.error).toBeUndefined();
  return r.stdout;
}

/** Each request in a batch of its own: always the single snippet. */
function singly(shell: string, reqs: FactRequest[], prelude = ''): Map<string, unknown> {
  return new Map(
    reqs.map((r) => [
      factKey(r),
      parseFactBatch([r], run(shell, withPrelude(batchFactCommand([r]), prelude))).get(factKey(r)),
    ]),
  );
}

/** Inserts shell text (a function shadowing a command) right after the batch's first line. */
function withPrelude(script: string, prelude: string): string {
  return prelude ? script.replace('LC_ALL=C; export LC_ALL', `LC_ALL=C; export LC_ALL\n${prelude}`) : script;
}

/** Batched (many sections) vs one-per-batch, request for request; returns the batched values. */
function manyEqualsSingle(shell: string, rs: FactRequest[], prelude = ''): Map<string, unknown> {
  const script = withPrelude(batchFactCommand(rs), prelude);
  expect(script.match(/-BEGIN@@/g)).toHaveLength(1);
  const many = parseFactBatch(rs, run(shell, script));
  const single = singly(shell, rs, prelude);
  expect([...many.keys()]).toEqual([...new Set(rs.map(factKey))]);
  for (const r of rs) expect(many.get(factKey(r)), factKey(r)).toEqual(single.get(factKey(r)));
  return many;
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

// ---------------------------------------------------------------------------------------------------- sysctl

/** The former single snippet (one `$(tr …)` per key), kept as the reference the builtin form must match. */
const OLD_SYSCTL = (names: string[], root = '/proc/sys') =>
  names
    .map((n) => {
      const p = shq(`${root}/${n.replace(/[./]/g, (c) => (c === '.' ? '/' : '.'))}`);
      return `if [ -r ${p} ]; then printf 'V\\t%s\\t%s\\n' ${shq(n)} "$(tr '\\t\\n' '  ' < ${p})"; else printf 'M\\t%s\\n' ${shq(n)}; fi`;
    })
    .join('\n');

/** The former parser, for the reference output: `V<TAB>name<TAB>value` or `M<TAB>name`. */
function parseOldSysctl(stdout: string): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const l of stdout.split('\n').filter((x) => x)) {
    const cols = l.split('\t');
    if (cols[0] === 'V' && cols.length === 3) out[cols[1]!] = normalizeSysctlValue(cols[2]!);
    else if (cols[0] === 'M' && cols.length === 2) out[cols[1]!] = null;
    else throw new Error(`bad reference line ${l}`);
  }
  return out;
}

describe('sysctl many: fixtures', () => {
  const sysctl = getFact('sysctl');
  const args = [{ names: ['net.ipv4.tcp_rmem', 'vm.swappiness'] }, { names: ['vm.swappiness', 'net.nope'] }];
  const out =
    'R\tnet.ipv4.tcp_rmem\nR\tvm.swappiness\nM\tnet.nope\n/proc/sys/net/ipv4/tcp_rmem:4096\t131072\t6291456\n/proc/sys/vm/swappiness:60\n';
  it('values with tabs parse like the single form; each request gets its own keys', () => {
    expect(sysctl.many!.parse(out, 0, args)).toEqual([
      { 'net.ipv4.tcp_rmem': '4096 131072 6291456', 'vm.swappiness': '60' },
      { 'vm.swappiness': '60', 'net.nope': null },
    ]);
    expect(sysctl.parse(out, 0, { names: [...args[0]!.names, 'net.nope'] })).toEqual({
      'net.ipv4.tcp_rmem': '4096 131072 6291456',
      'vm.swappiness': '60',
      'net.nope': null,
    });
    // Multi-line values: lines joined by spaces; an empty (readable) file is "".
    expect(
      sysctl.parse(
        'R\tkernel.core_modes\nR\tvm.e\n/proc/sys/kernel/core_modes:file\n/proc/sys/kernel/core_modes:pipe\n',
        0,
        {
          names: ['kernel.core_modes', 'vm.e'],
        },
      ),
    ).toEqual({ 'kernel.core_modes': 'file pipe', 'vm.e': '' });
  });
  it('throws on a missing key, a value for an unannounced key, or a malformed line', () => {
    const parse = (o: string) => () => sysctl.many!.parse(o, 0, args);
    expect(parse(out.replace('M\tnet.nope\n', ''))).toThrow(/net\.nope/);
    expect(parse(out.replace('R\tvm.swappiness\n', ''))).toThrow(/not announced/);
    expect(parse(`${out}/proc/sys/vm/other:1\n`)).toThrow(/not announced/);
    expect(parse(`${out}/proc/sys/vm/swappiness\n`)).toThrow(/not announced/);
    expect(parse(out.replace('M\tnet.nope', 'M\tnet.nope\tx'))).toThrow(/unexpected line/);
    expect(parse(out.replace('M\tnet.nope', 'V\tnet.nope'))).toThrow(/unexpected line/);
  });
  it('one grep for all keys of all requests, each key tested once; no $(…)', () => {
    const c = sysctl.many!.command(args);
    expect(c.match(/\[ -r \/proc\/sys\/vm\/swappiness \]/g)).toHaveLength(1);
    expect(c.match(/\bgrep\b/g)).toHaveLength(1);
    expect(c).not.toMatch(/\$\(|\btr\b/);
    expect(sysctl.command(args[0]!)).toBe(sysctl.many!.command([args[0]!]));
  });
});

describe.each(SHELLS)('sysctl on real files (%s)', (shell) => {
  const live = [
    'kernel.ostype',
    'net.ipv4.tcp_rmem',
    'vm.swappiness',
    'net.ipv4.no_such_key',
    'kernel.core_modes', // multi-line on recent kernels
    'vm.compact_memory', // write-only: not readable, M in both forms
    'fs.binfmt_misc.status',
  ].filter((n, i) => i < 4 || existsSync(`/proc/sys/${n.replace(/\./g, '/')}`));

  it('batched equals single equals the former tr form, on /proc/sys', () => {
    const rs: FactRequest[] = [
      { fact: 'sysctl', args: { names: live.slice(0, 2) } },
      { fact: 'sysctl', args: { names: [live[2]!, live[3]!] } },
      { fact: 'sysctl', args: { names: live } },
    ];
    const many = manyEqualsSingle(shell, rs);
    const old = parseOldSysctl(run(shell, OLD_SYSCTL(live)));
    expect(many.get(factKey(rs[2]!))).toEqual(old);
    expect(old).toMatchObject({ 'kernel.ostype': 'Linux', 'net.ipv4.no_such_key': null });
    expect((old as Record<string, string>)['net.ipv4.tcp_rmem']).toMatch(/^\d+ \d+ \d+$/);
  });

  describe('odd value files (the snippets pointed at a temp dir)', () => {
    let dir: string;
    const files: Record<string, string> = {
      tabs: '4096\t131072\t6291456\n',
      multi: 'first line\nsecond\tline\n\nthird\n',
      nonl: 'no trailing newline',
      nonlmulti: 'a\nb',
      empty: '',
      blank: '\n\n',
      spaces: '  lead  trail \t \n',
      backslash: 'a\\tb \\ c\\\n',
      cr: 'x\r\ny\r\n',
      utf8: 'é ü\n',
    };
    const names = [...Object.keys(files).map((k) => `t.${k}`), 't.missing', 't.dir'];
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'hakit-sysctl-'));
      mkdirSync(join(dir, 't', 'dir'), { recursive: true });
      for (const [k, v] of Object.entries(files)) writeFileSync(join(dir, 't', k), v);
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('single, many and the former tr form give the same values, key for key', () => {
      const f = getFact('sysctl');
      // The snippets read the temp dir instead of /proc/sys; their output is mapped back for the parser.
      const exec = (s: string) =>
        run(shell, s.replaceAll('/proc/sys/', `${dir}/`)).replaceAll(`${dir}/`, '/proc/sys/');
      const single = f.parse(exec(f.command({ names })), 0, { names });
      const old = parseOldSysctl(run(shell, OLD_SYSCTL(names, dir)));
      const args = [{ names: names.slice(0, 5) }, { names: names.slice(3) }];
      const many = f.many!.parse(exec(f.many!.command(args)), 0, args);
      expect(single).toEqual(old);
      expect(many).toEqual(args.map((a) => Object.fromEntries(a.names.map((n) => [n, old[n]]))));
      expect(single).toMatchObject({
        't.tabs': '4096 131072 6291456',
        't.multi': 'first line second line third',
        't.nonl': 'no trailing newline',
        't.nonlmulti': 'a b',
        't.empty': '',
        't.blank': '',
        't.backslash': 'a\\tb \\ c\\',
        't.cr': 'x y',
        't.utf8': 'é ü',
        't.missing': null,
      });
    });
  });
});

// ------------------------------------------------------------------------------------------------ file_content

describe('file_content many: fixtures', () => {
  const fc = getFact('file_content');
  const args = [
    { path: '/a' },
    { path: '/dir' },
    { path: '/big', maxBytes: 3 },
    { path: '/none' },
    { path: '/e' },
  ];
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const many = `F|12101\nS|0\nC|0|${b64('héllo\n')}\nL|1\nC|2|\n`;
  const singles = [`content|\n${b64('héllo\n')}\n`, 'notfile\n', 'large\n', 'absent\n', 'content|\n\n'];

  it('gives the same values as the single parser on the equivalent single outputs', () => {
    const want = singles.map((o, i) => fc.schema.parse(fc.parse(o, 0, args[i])));
    expect(fc.many!.parse(many, 0, args).map((v) => fc.schema.parse(v))).toEqual(want);
    expect(want[0]).toEqual({ exists: true, content: 'héllo\n', tooLarge: false });
    expect(fc.many!.parse('F|020\n', 0, args.slice(0, 3))).toEqual([0, 1, 2].map(() => want[3]));
  });

  it('never guesses: bad flags, failed stat, missing, extra or out-of-order lines all throw', () => {
    const parse = (out: string) => () => fc.many!.parse(out, 0, args);
    expect(parse(many.replace('F|12101', 'F|1210'))).toThrow(/existence line/);
    expect(parse(many.replace('F|12101', 'F|12103'))).toThrow(/existence line/);
    expect(parse('F|12101\nS|1\n')).toThrow(/stat failed/);
    expect(parse('F|12101\n')).toThrow(/status line/);
    expect(parse(many.replace('L|1\n', ''))).toThrow(/expected 3 content lines, got 2/);
    expect(parse(`${many}C|3|\n`)).toThrow(/expected 3 content lines/);
    expect(parse(many.replace('L|1', 'L|2').replace('C|2|', 'C|1|'))).toThrow(/out of order/);
    expect(parse(many.replace('C|2|', 'C|2'))).toThrow(/malformed/);
    expect(parse(many.replace('L|1', 'L|1|x'))).toThrow(/malformed/);
    expect(parse(many.replace('C|0|', 'X|0|'))).toThrow(/malformed/);
    expect(parse(many.replace('C|2|', 'C|2|@@'))).toThrow(/base64/);
    expect(() => fc.many!.parse('F|020\nS|0\n', 0, args.slice(0, 3))).toThrow(/after the existence line/);
  });

  it('one stat for all files, no $(stat) per file', () => {
    const c = fc.many!.command(args);
    expect(c.match(/\bstat\b/g)).toHaveLength(1);
    expect(c.match(/\bbase64\b/g)).toHaveLength(1);
  });
});

describe.each(SHELLS)('file_content many vs single on a real temp directory (%s)', (shell) => {
  let dir: string;
  const big = 'x'.repeat(100);
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hakit-fc-'));
    writeFileSync(join(dir, 'reg'), 'hello\nwörld\n');
    writeFileSync(join(dir, 'empty'), '');
    writeFileSync(join(dir, 'big'), big);
    writeFileSync(join(dir, 'exact'), 'x'.repeat(10));
    mkdirSync(join(dir, 'dir'));
    symlinkSync('reg', join(dir, 'link'));
    symlinkSync('big', join(dir, 'biglink'));
    symlinkSync('nowhere', join(dir, 'dangling'));
    symlinkSync('dir', join(dir, 'dirlink'));
    writeFileSync(join(dir, "sp ace|pipe'quote"), 'odd one');
    writeFileSync(join(dir, 'back\\slash\ttab'), 'odd two');
    writeFileSync(join(dir, '-dash'), 'dash');
    writeFileSync(join(dir, '*'), 'star');
    expect(spawnSync('mkfifo', [join(dir, 'fifo')]).status).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const req = (n: string, maxBytes?: number): FactRequest => ({
    fact: 'file_content',
    args: { path: n ? join(dir, n) : dir, ...(maxBytes ? { maxBytes } : {}) },
  });

  it('batched equals one-per-batch, request for request, and the values are right', () => {
    const rs = [
      req('missing-first'),
      req('reg'),
      req('empty'),
      req('big', 50),
      req('big'),
      req('exact', 10),
      req('exact', 9),
      req('dir'),
      req(''),
      req('link'),
      req('biglink', 50),
      req('dangling'),
      req('dirlink'),
      req("sp ace|pipe'quote"),
      req('back\\slash\ttab'),
      req('-dash'),
      req('*'),
      req('fifo'),
      req('reg'), // duplicate
      req('missing-last'),
    ];
    const many = manyEqualsSingle(shell, rs);
    const v = (r: FactRequest) => many.get(factKey(r));
    const none = { exists: false, content: null, tooLarge: false };
    const large = { exists: true, content: null, tooLarge: true };
    const has = (content: string) => ({ exists: true, content, tooLarge: false });
    expect(v(req('missing-first'))).toEqual(none);
    expect(v(req('reg'))).toEqual(has('hello\nwörld\n'));
    expect(v(req('empty'))).toEqual(has(''));
    expect(v(req('big', 50))).toEqual(large);
    expect(v(req('big'))).toEqual(has(big));
    expect(v(req('exact', 10))).toEqual(has('x'.repeat(10)));
    expect(v(req('exact', 9))).toEqual(large);
    expect(v(req('dir'))).toEqual(none);
    expect(v(req('link'))).toEqual(has('hello\nwörld\n'));
    expect(v(req('biglink', 50))).toEqual(large);
    expect(v(req('dangling'))).toEqual(none);
    expect(v(req('dirlink'))).toEqual(none);
    expect(v(req("sp ace|pipe'quote"))).toEqual(has('odd one'));
    expect(v(req('back\\slash\ttab'))).toEqual(has('odd two'));
    expect(v(req('-dash'))).toEqual(has('dash'));
    expect(v(req('*'))).toEqual(has('star'));
    expect(v(req('fifo'))).toEqual(none);
  });

  it('no regular file at all: no stat, only the flags', () => {
    const rs = [req('missing'), req('dir'), req('dangling')];
    expect(batchFactCommand(rs)).toContain('stat');
    manyEqualsSingle(shell, rs);
  });

  it('a file vanishing between the test and stat is a FactError, never a shifted content', () => {
    const victim = join(dir, 'vanishing');
    writeFileSync(victim, 'v');
    const rs = [req('reg'), { fact: 'file_content', args: { path: victim } }, req('empty')];
    const script = withPrelude(batchFactCommand(rs), `stat() { rm -f '${victim}'; command stat "$@"; }`);
    const out = run(shell, script);
    expect(existsSync(victim)).toBe(false);
    let err: unknown;
    try {
      parseFactBatch(rs, out);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FactError);
    expect((err as FactError).message).toMatch(
      /^fact file_content: cannot parse output \(exit \d+\): stat failed/,
    );
  });
});

// --------------------------------------------------------------------------------------------- authorized_keys

/** The former snippet (getent, cut, id, two stats, base64 and four `$(…)`), kept as the reference. */
const OLD_AUTHORIZED_KEYS = (user: string) =>
  [
    `u=${shq(user)}`,
    'if e=$(getent passwd "$u"); then',
    '  h=$(printf \'%s\' "$e" | cut -d: -f6); printf \'home|%s\\n\' "$h"; printf \'group|%s\\n\' "$(id -gn "$u")"',
    '  for x in "$h/.ssh" "$h/.ssh/authorized_keys"; do',
    '    if [ -e "$x" ] || [ -L "$x" ]; then stat -c \'stat|%F|%a|%U|%G|%u|%g|%s\' -- "$x"; else echo absent; fi',
    '  done',
    '  if [ -f "$h/.ssh/authorized_keys" ]; then echo \'content|\'; base64 -w0 < "$h/.ssh/authorized_keys"; echo; fi',
    'else echo nouser; fi',
  ].join('\n');

/** The former parser, for the reference output. */
function parseOldAuthorizedKeys(stdout: string): unknown {
  const ls = stdout.split('\n').filter((l) => l.length > 0);
  if (ls[0] === 'nouser') return { userExists: false };
  const field = (l: string | undefined) => (l ?? '').slice((l ?? '').indexOf('|') + 1);
  const stat = (l: string | undefined) => {
    if (l === 'absent') return { exists: false };
    const [, t, mode, owner, group, uid, gid, size] = (l ?? '').split('|');
    const type =
      t === 'regular file' || t === 'regular empty file'
        ? 'file'
        : t === 'directory'
          ? 'directory'
          : t === 'symbolic link'
            ? 'link'
            : 'other';
    return {
      exists: true,
      type,
      mode: mode!.padStart(4, '0'),
      owner,
      group,
      uid: Number(uid),
      gid: Number(gid),
      size: Number(size),
      sha256: null as string | null,
      target: null,
    };
  };
  const dir = stat(ls[2]);
  const file = stat(ls[3]);
  let content: string | null = null;
  if (ls[4] !== undefined) {
    content = Buffer.from((ls[5] ?? '').trim(), 'base64').toString('utf8');
    if ('sha256' in file) file.sha256 = sha(content);
  }
  return { userExists: true, home: field(ls[0]), group: field(ls[1]), dir, file, content };
}

describe('authorized_keys: fixtures', () => {
  const ak = getFact('authorized_keys');
  const key = 'ssh-ed25519 AAAA a@b\n';
  const out = `home|/h|x\ngroup|g\nK|11\nstat|directory|700|u|g|1|2|4096|/h|x/.ssh\nstat|regular file|600|u|g|1|2|${key.length}|/h|x/.ssh/authorized_keys\nS|0\ncontent|\n${Buffer.from(key).toString('base64')}\n`;
  it('parses the one-stat output', () => {
    expect(ak.parse(out, 0, { user: 'u' })).toMatchObject({
      home: '/h|x',
      dir: { type: 'directory', mode: '0700', gid: 2 },
      file: { type: 'file', size: key.length, sha256: sha(key) },
      content: key,
    });
    expect(
      ak.parse('home|/h\ngroup|g\nK|10\nstat|directory|700|u|g|1|2|4096|/h/.ssh\nS|0\n', 0, {}),
    ).toMatchObject({
      dir: { type: 'directory' },
      file: { exists: false },
      content: null,
    });
  });
  it('never misattributes a stat line', () => {
    const parse = (o: string) => () => ak.parse(o, 0, { user: 'u' });
    const [l3, l4] = out.split('\n').slice(3, 5);
    expect(parse(out.replace(`${l3}\n${l4}`, `${l4}\n${l3}`))).toThrow(/not about/);
    expect(parse(out.replace('K|11', 'K|10'))).toThrow(/expected 1 stat lines, got 2/);
    expect(parse(out.replace('K|11', 'K|1'))).toThrow(/existence line/);
    expect(parse(out.replace(`${l3}\n`, '').replace('S|0', 'S|1'))).toThrow(/stat failed/);
    expect(parse(out.replace('S|0\n', ''))).toThrow();
    expect(parse(out.replace('content|', 'contents|'))).toThrow(/content marker/);
    expect(parse(`${out}extra\n`)).toThrow(/after the content/);
  });
});

describe.each(SHELLS)('authorized_keys: new snippet vs the former one (%s)', (shell) => {
  let dir: string;
  const ak = getFact('authorized_keys');
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hakit-ak-'));
    const mk = (home: string, setup: (ssh: string) => void) => {
      mkdirSync(join(dir, home));
      setup(join(dir, home, '.ssh'));
    };
    mk('nodir', () => {});
    mk('emptydir', (s) => mkdirSync(s, { mode: 0o700 }));
    mk('keys', (s) => {
      mkdirSync(s, { mode: 0o700 });
      writeFileSync(join(s, 'authorized_keys'), 'ssh-ed25519 AAAA a@b\nssh-rsa BBBB c@d\n', { mode: 0o600 });
    });
    mk('emptyfile', (s) => {
      mkdirSync(s);
      writeFileSync(join(s, 'authorized_keys'), '');
    });
    mk('linked', (s) => {
      mkdirSync(s);
      writeFileSync(join(s, 'real'), 'ssh-ed25519 CCCC e@f\n');
      symlinkSync('real', join(s, 'authorized_keys'));
    });
    mk('dangling', (s) => {
      mkdirSync(s);
      symlinkSync('nowhere', join(s, 'authorized_keys'));
    });
    mk('sshfile', (s) => writeFileSync(s, 'not a dir'));
    mk('sshlink', (s) => {
      mkdirSync(`${s}-real`);
      writeFileSync(join(`${s}-real`, 'authorized_keys'), 'k\n');
      symlinkSync('.ssh-real', s);
    });
    mk("odd |home'", (s) => {
      mkdirSync(s);
      writeFileSync(join(s, 'authorized_keys'), 'odd\n');
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Both snippets with `getent` shadowed to give `home` as root's home (everything else real). */
  const both = (user: string, home?: string) => {
    const fake =
      home === undefined
        ? ''
        : `getent() { printf '%s\\n' ${shq(`${user}:x:0:0:gecos:${home}:/bin/sh`)}; }\n`;
    const oldV = parseOldAuthorizedKeys(run(shell, `${fake}${OLD_AUTHORIZED_KEYS(user)}`));
    const newV = ak.schema.parse(ak.parse(run(shell, `${fake}${ak.command({ user })}`), 0, { user }));
    expect(newV).toEqual(oldV);
    return newV;
  };

  it('the local root user and a missing user', () => {
    expect(both('root')).toMatchObject({ userExists: true, home: '/root', group: 'root' });
    expect(both('hakit_no_such_user')).toEqual({ userExists: false });
  });

  it.each([
    'nodir',
    'emptydir',
    'keys',
    'emptyfile',
    'linked',
    'dangling',
    'sshfile',
    'sshlink',
    "odd |home'",
    'missing-home',
  ])('home %s', (h) => {
    const v = both('root', join(dir, h));
    expect(v.userExists).toBe(true);
    if (h === 'keys') expect(v).toMatchObject({ dir: { mode: '0700' }, file: { mode: '0600', size: 38 } });
    if (h === 'linked')
      expect(v).toMatchObject({ file: { type: 'link' }, content: 'ssh-ed25519 CCCC e@f\n' });
  });

  it('starts at most four processes', () => {
    const c = ak.command({ user: 'root' }).replace(/'[^']*'/g, "''");
    expect(c.match(/\$\(/g)).toHaveLength(1);
    expect(c.match(/\b(getent|id|stat|base64)\b/g)).toEqual(['getent', 'id', 'stat', 'base64']);
    expect(c).not.toMatch(/\bcut\b/);
  });
});
