import { createHash } from 'node:crypto';
import { z } from 'zod';
import { shq } from '../shell/posix.js';
import { ParseProblem } from './errors.js';
import { type FileInfo, fileInfoSchema, parseStatBlock, STAT_BLOCK } from './file-stat.js';
import { decodeBase64, lines, splitOnce } from './lines.js';
import type { Fact } from './types.js';
import { accountName } from './validators.js';

export const authorizedKeysArgs = z.strictObject({ user: accountName });
export type AuthorizedKeysArgs = z.infer<typeof authorizedKeysArgs>;

export const authorizedKeysSchema = z.discriminatedUnion('userExists', [
  z.object({ userExists: z.literal(false) }),
  z.object({
    userExists: z.literal(true),
    home: z.string(),
    /** The user's primary group name. */
    group: z.string(),
    /** `~/.ssh` */
    dir: fileInfoSchema,
    /** `~/.ssh/authorized_keys`, with sha256 when readable. */
    file: fileInfoSchema,
    /** The file's content; null when it does not exist. */
    content: z.string().nullable(),
  }),
]);
export type AuthorizedKeysInfo = z.infer<typeof authorizedKeysSchema>;

/**
 * A user's home, ~/.ssh and ~/.ssh/authorized_keys (attributes and content) in one snippet, for at most four
 * processes (`getent`, `id`, one `stat`, `base64` only when the file exists); the rest is builtins:
 *
 * - `home|<h>`: field 6 of the `getent passwd` line (NSS), cut out with parameter expansion.
 * - `group|<name>`: `id -gn` (NSS too; prints the number when the gid has no name, as before); `|| echo`
 *   ends the line should id print nothing (the blank line is dropped by the parser).
 * - `K|<ab>`: a = ~/.ssh, b = ~/.ssh/authorized_keys, 1 = exists (`[ -e ] || [ -L ]`, builtins), 0 = not.
 *   The existing ones, in that order, are the operands of ONE `stat`, followed by `S|<its exit code>`.
 *   GNU stat prints one line per operand, in order; each line also ends with `|` + its own path, which the
 *   parser checks and strips. A failed stat (a path vanished meanwhile) or a line count that does not match
 *   the flags is a ParseProblem: lines are attributed by position, never guessed.
 * - `content|` and the file's base64 on the next line when it is a regular file (links followed).
 *
 * Leaves `u`, `e`, `h`, `x` and the positional parameters set.
 */
export const authorizedKeysFact: Fact<AuthorizedKeysInfo, AuthorizedKeysArgs> = {
  name: 'authorized_keys',
  args: authorizedKeysArgs,
  become: true,
  command({ user }) {
    return [
      `u=${shq(user)}`,
      'if e=$(getent passwd "$u"); then',
      `  h=\${e#*:*:*:*:*:}; h=\${h%%:*}`,
      `  printf 'home|%s\\ngroup|' "$h"; id -gn "$u" || echo`,
      "  set --; printf 'K|'",
      '  for x in "$h/.ssh" "$h/.ssh/authorized_keys"; do',
      '    if [ -e "$x" ] || [ -L "$x" ]; then set -- "$@" "$x"; printf 1; else printf 0; fi',
      '  done',
      '  echo',
      `  ${STAT_BLOCK}`,
      '  if [ -f "$h/.ssh/authorized_keys" ]; then echo \'content|\'; base64 -w0 < "$h/.ssh/authorized_keys"; echo; fi',
      'else echo nouser; fi',
    ].join('\n');
  },
  parse(stdout) {
    const ls = lines(stdout);
    if (ls[0] === 'nouser') return { userExists: false };
    const [hk, home] = splitOnce(ls[0] ?? '', '|');
    const [gk, group] = splitOnce(ls[1] ?? '', '|');
    if (hk !== 'home' || gk !== 'group') throw new ParseProblem('unexpected header lines');
    const flags = ls[2] ?? '';
    if (!/^K\|[01]{2}$/.test(flags)) throw new ParseProblem('missing or malformed existence line');
    const paths = [`${home}/.ssh`, `${home}/.ssh/authorized_keys`];
    const infos: FileInfo[] = [{ exists: false }, { exists: false }];
    const existing = [0, 1].filter((j) => flags[2 + j] === '1');
    const block = parseStatBlock(
      ls,
      3,
      existing.map((j) => paths[j]!),
      (k) => (existing[k] ? 'the file' : '~/.ssh'),
    );
    const i = block.next;
    existing.forEach((j, k) => {
      infos[j] = block.infos[k]!;
    });
    const [dir, file] = infos as [FileInfo, FileInfo];
    let content: string | null = null;
    if (ls[i] !== undefined) {
      if (ls[i] !== 'content|') throw new ParseProblem('unexpected content marker');
      content = decodeBase64('authorized_keys', ls[i + 1] ?? '');
      if (ls.length > i + 2) throw new ParseProblem('unexpected output after the content');
      if (file.exists) file.sha256 = createHash('sha256').update(content, 'utf8').digest('hex');
    }
    return { userExists: true, home, group, dir, file, content };
  },
  schema: authorizedKeysSchema,
};
