import { z } from 'zod';
import { shq } from '../shell/posix.js';
import { ParseProblem } from './errors.js';
import { decodeBase64, lines, splitOnce } from './lines.js';
import type { Fact } from './types.js';
import { absPath } from './validators.js';

export const DEFAULT_MAX_CONTENT_BYTES = 4 * 1024 * 1024;

export const fileContentArgs = z.strictObject({
  path: absPath,
  /** Larger files are reported as `tooLarge` with no content. */
  maxBytes: z.number().int().positive().optional(),
});
export type FileContentArgs = z.infer<typeof fileContentArgs>;

export const fileContentSchema = z.object({
  /** A regular file (or a link to one) exists at the path. */
  exists: z.boolean(),
  /** UTF-8 content; null when absent, not a regular file, or too large. */
  content: z.string().nullable(),
  tooLarge: z.boolean(),
});
export type FileContent = z.infer<typeof fileContentSchema>;

const NO_FILE: FileContent = { exists: false, content: null, tooLarge: false };
const TOO_LARGE: FileContent = { exists: true, content: null, tooLarge: true };

/** A regular file's content (transferred as base64) — for --diff and for line/block edits. */
export const fileContentFact: Fact<FileContent, FileContentArgs> = {
  name: 'file_content',
  args: fileContentArgs,
  become: true,
  command({ path, maxBytes }) {
    const max = maxBytes ?? DEFAULT_MAX_CONTENT_BYTES;
    return [
      `p=${shq(path)}`,
      'if [ -f "$p" ]; then s=$(stat -L -c %s -- "$p")',
      `  if [ "$s" -gt ${max} ]; then echo large; else echo 'content|'; base64 -w0 < "$p"; echo; fi`,
      'elif [ -e "$p" ]; then echo notfile; else echo absent; fi',
    ].join('\n');
  },
  parse(stdout) {
    const ls = lines(stdout);
    const head = ls[0];
    if (head === 'absent' || head === 'notfile') return { ...NO_FILE };
    if (head === 'large') return { ...TOO_LARGE };
    const [k] = splitOnce(head ?? '', '|');
    if (k !== 'content') throw new ParseProblem('unexpected header');
    return { exists: true, content: decodeBase64('file_content', ls[1] ?? ''), tooLarge: false };
  },
  /**
   * N files in one section: ONE `stat` for the sizes of all regular files, then one `base64` per file small
   * enough (the single form costs a `$(stat)` and a base64 per file). Attribution is by position only:
   *
   * 1. `F|0120…`: one character per request, from builtins — 1 = `[ -f ]` (a regular file, links followed,
   *    like the single form), 2 = something else exists (`[ -e ]`: directory, fifo…), 0 = nothing (a dangling
   *    link included). The regular files, in request order, become `"$@"`; their limits go into `m`.
   * 2. `z=$(stat -L -c %s -- "$@")`, then `S|<its exit code>`. GNU stat prints one size per operand, in
   *    operand order, and exits 0 only if each one succeeded; any other code (a file vanished between the test
   *    and stat) is a ParseProblem, never a shifted size.
   * 3. Only after `S|0`, per regular file k (0, 1, … in order, sizes taken from `$z` one word each):
   *    `L|k` when larger than its limit, else `C|k|<base64>` on one line (an unreadable file gives `C|k|`,
   *    empty content, as the single form's empty base64 line does). The parser requires exactly k = 0…n-1.
   *
   * Leaves `p`, `a`, `m`, `s`, `k`, `z` and the positional parameters set.
   */
  many: {
    command(args) {
      const maxes = args.map((a) => `${a.maxBytes ?? DEFAULT_MAX_CONTENT_BYTES} `).join('');
      return [
        `set -- ${args.map((a) => shq(a.path)).join(' ')}`,
        `a='${maxes}'; m=`,
        "printf 'F|'",
        `for p do shift; s=\${a%% *}; a=\${a#* }`,
        '  if [ -f "$p" ]; then set -- "$@" "$p"; m="$m$s "; printf 1; elif [ -e "$p" ]; then printf 2; else printf 0; fi',
        'done',
        'echo',
        'if [ $# -gt 0 ]; then z=$(stat -L -c %s -- "$@"); k=$?; echo "S|$k"',
        '  if [ $k -eq 0 ]; then k=0',
        '    for s in $z; do',
        `      if [ "$s" -gt "\${m%% *}" ]; then echo "L|$k"; else printf 'C|%s|' "$k"; base64 -w0 < "$1"; echo; fi`,
        `      m=\${m#* }; shift; k=$((k+1))`,
        '    done',
        '  fi',
        'fi',
      ].join('\n');
    },
    parse(stdout, _code, args) {
      const ls = lines(stdout);
      const head = ls[0] ?? '';
      const flags = head.slice(2);
      if (!head.startsWith('F|') || flags.length !== args.length || !/^[012]*$/.test(flags))
        throw new ParseProblem('missing or malformed existence line');
      const out = args.map(() => ({ ...NO_FILE }));
      const regular = [...flags].flatMap((c, j) => (c === '1' ? [j] : []));
      if (regular.length === 0) {
        if (ls.length > 1) throw new ParseProblem('unexpected output after the existence line');
        return out;
      }
      const status = ls[1];
      if (status === undefined) throw new ParseProblem('no stat status line (output cut short?)');
      if (status !== 'S|0')
        throw new ParseProblem(`stat failed (exit ${status.slice(2, 8)}): a file vanished?`);
      const body = ls.slice(2);
      if (body.length !== regular.length)
        throw new ParseProblem(`expected ${regular.length} content lines, got ${body.length}`);
      body.forEach((l, k) => {
        const [kind, rest] = splitOnce(l, '|');
        const [ks, b64] = splitOnce(rest, '|');
        if (ks !== String(k) || (kind === 'L' ? rest !== ks : kind !== 'C' || !rest.includes('|')))
          throw new ParseProblem(`content line ${k} is malformed or out of order`);
        out[regular[k]!] =
          kind === 'L'
            ? { ...TOO_LARGE }
            : { exists: true, content: decodeBase64('file_content', b64), tooLarge: false };
      });
      return out;
    },
  },
  schema: fileContentSchema,
};
