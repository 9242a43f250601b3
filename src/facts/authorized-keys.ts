import { createHash } from 'node:crypto';
import { z } from 'zod';
import { shq } from '../ops/shell.js';
import { ParseProblem } from './errors.js';
import { fileInfoSchema, parseStatLine } from './file.js';
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

/** A user's home, ~/.ssh and ~/.ssh/authorized_keys (attributes and content) in one snippet. */
export const authorizedKeysFact: Fact<AuthorizedKeysInfo, AuthorizedKeysArgs> = {
  name: 'authorized_keys',
  args: authorizedKeysArgs,
  become: true,
  command({ user }) {
    return [
      `u=${shq(user)}`,
      'if e=$(getent passwd "$u"); then',
      '  h=$(printf \'%s\' "$e" | cut -d: -f6); printf \'home|%s\\n\' "$h"; printf \'group|%s\\n\' "$(id -gn "$u")"',
      '  for x in "$h/.ssh" "$h/.ssh/authorized_keys"; do',
      '    if [ -e "$x" ] || [ -L "$x" ]; then stat -c \'stat|%F|%a|%U|%G|%u|%g|%s\' -- "$x"; else echo absent; fi',
      '  done',
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
    const dir = parseStatLine(ls[2]);
    const file = parseStatLine(ls[3]);
    let content: string | null = null;
    if (ls[4] !== undefined) {
      if (ls[4] !== 'content|') throw new ParseProblem('unexpected content marker');
      content = decodeBase64('authorized_keys', ls[5] ?? '');
      if (file.exists) file.sha256 = createHash('sha256').update(content, 'utf8').digest('hex');
    }
    return { userExists: true, home, group, dir, file, content };
  },
  schema: authorizedKeysSchema,
};
