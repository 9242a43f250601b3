import { shq } from '../shell/posix.js';
import { ParseProblem } from './errors.js';
import type { FileArgs } from './file.js';
import { type ExistingFile, type FileInfo, parseStatBlock, STAT_BLOCK } from './file-stat.js';
import { lines, splitOnce } from './lines.js';

/**
 * The `file` fact for N paths in one snippet, for a constant handful of processes instead of ~5 per path:
 * one `stat` for every existing path, one `sha256sum` for every regular (non-symlink) file, one `readlink`
 * per symlink; the rest is shell builtins. Paths are referred to by position, never parsed out of free text:
 *
 * 1. `K|0110…`: one character per requested path (1 = exists, 0 = absent), from `[ -e ] || [ -L ]`, so
 *    character j is request j by construction. The existing paths, in request order, become `"$@"`.
 * 2. `stat -c 'stat|…|%n' -- "$@"`, then `S|<stat's exit code>`. GNU stat prints exactly one line per operand,
 *    in operand order, and exits 0 only if every operand succeeded; paths cannot hold a newline (`absPath`).
 *    So with `S|0` and as many lines as existing paths, line k is existing path k; each line must also end with
 *    `|` + that very path (a guard against anything unforeseen). Any other exit code (a path vanished between
 *    the test and stat) or count is a ParseProblem: lines are never attributed by guesswork. (The single
 *    snippet fails in that race too: stat prints nothing and its parser throws.)
 * 3. `T|<k>|<target>` per symlink, k being its position among the existing paths (strictly increasing), or
 *    `N|<k>` when the target holds a newline (which would break line framing: an error, as in single mode).
 * 4. `H`, then `sha256sum -- <regular files>` (stderr dropped: an unreadable file has no line and keeps
 *    sha256 null, like the single snippet's empty answer). sha256sum prints operands in order and escapes a
 *    name holding `\` (line starts with `\`); names are matched in order against the existing paths.
 *
 * Leaves `p`, `k`, `t` and the positional parameters set, which later snippets never read unassigned.
 */
export const fileMany = {
  command(args: FileArgs[]): string {
    return [
      `set -- ${args.map((a) => shq(a.path)).join(' ')}`,
      "printf 'K|'",
      'for p do shift; if [ -e "$p" ] || [ -L "$p" ]; then set -- "$@" "$p"; printf 1; else printf 0; fi; done',
      'echo',
      STAT_BLOCK,
      'k=0',
      'for p do shift',
      '  if [ -L "$p" ]; then t=$(readlink -- "$p")',
      // A target holding a newline (the template's \n is a literal one) would break line framing: N|k.
      `    case $t in *'\n'*) printf 'N|%s\\n' "$k" ;; *) printf 'T|%s|%s\\n' "$k" "$t" ;; esac`,
      '  elif [ -f "$p" ]; then set -- "$@" "$p"; fi',
      '  k=$((k+1))',
      'done',
      'if [ $# -gt 0 ]; then echo H; sha256sum -- "$@" 2>/dev/null; fi',
    ].join('\n');
  },

  parse(stdout: string, _exitCode: number, args: FileArgs[]): FileInfo[] {
    const ls = lines(stdout);
    let i = 0;
    const head = ls[i++] ?? '';
    const flags = head.startsWith('K|') ? head.slice(2) : '';
    if (!head.startsWith('K|') || flags.length !== args.length || !/^[01]*$/.test(flags))
      throw new ParseProblem('missing or malformed existence line');
    const out: FileInfo[] = args.map(() => ({ exists: false }));
    /** Request index of each existing path, in order: what stat's lines and `T|k` refer to. */
    const existing = [...flags].flatMap((c, j) => (c === '1' ? [j] : []));

    const block = parseStatBlock(
      ls,
      i,
      existing.map((j) => args[j]!.path),
      (k) => `request ${existing[k]}`,
    );
    i = block.next;
    const infos: ExistingFile[] = block.infos;
    existing.forEach((j, k) => {
      out[j] = infos[k]!;
    });

    let lastK = -1;
    for (; i < ls.length && ls[i] !== 'H'; i++) {
      const [kind, rest] = splitOnce(ls[i]!, '|');
      if (kind !== 'T' && kind !== 'N')
        throw new ParseProblem(`unexpected line marker "${kind.slice(0, 20)}"`);
      const [ks, target] = splitOnce(rest, '|');
      const k = /^\d+$/.test(ks) ? Number(ks) : -1;
      if (k <= lastK || k >= infos.length) throw new ParseProblem('symlink line out of order or range');
      if (kind === 'N') throw new ParseProblem('a symlink target contains a newline');
      infos[k]!.target = target;
      lastK = k;
    }

    if (ls[i] === 'H') {
      let next = 0;
      for (i++; i < ls.length; i++) {
        const m = /^(\\?)([0-9a-f]{64}) [ *](.*)$/.exec(ls[i]!);
        if (!m) throw new ParseProblem('unexpected sha256sum output');
        const name = m[1] ? unescapeName(m[3]!) : m[3]!;
        while (next < existing.length && args[existing[next]!]!.path !== name) next++;
        if (next >= existing.length) throw new ParseProblem('sha256sum output for an unexpected path');
        infos[next]!.sha256 = m[2]!;
        next++;
      }
    }
    return out;
  },
};

/** Undoes GNU *sum's name escaping (`\\` → `\`, `\n` → newline, `\r` → CR) on a line that starts with `\`. */
function unescapeName(s: string): string {
  return s.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c));
}
