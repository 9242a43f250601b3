import { z } from 'zod';
import { shq } from '../shell/posix.js';
import { ParseProblem } from './errors.js';
import { lines } from './lines.js';
import type { Fact } from './types.js';
import { absPath } from './validators.js';

export const pathExistsArgs = z.strictObject({ path: absPath });
export type PathExistsArgs = z.infer<typeof pathExistsArgs>;

/** The shell test, builtins only: anything at the path, a dangling symlink included. */
const exists = (pathExpr: string) => `[ -e ${pathExpr} ] || [ -L ${pathExpr} ]`;

/** Whether anything (file, directory, even a dangling link) is at a path — for `creates`/`removes`. */
export const pathExistsFact: Fact<boolean, PathExistsArgs> = {
  name: 'path_exists',
  args: pathExistsArgs,
  become: true,
  command: ({ path }) => `if ${exists(shq(path))}; then echo yes; else echo no; fi`,
  parse(stdout) {
    const v = lines(stdout)[0];
    if (v === 'yes') return true;
    if (v === 'no') return false;
    throw new ParseProblem('expected yes or no');
  },
  /**
   * Several paths in one section: `E|` then one character per path (1 exists, 0 not), so character j is
   * request j by construction. No process at all, and one section instead of N in the batch.
   */
  many: {
    command: (args) =>
      [
        "printf 'E|'",
        `for p in ${args.map((a) => shq(a.path)).join(' ')}; do if ${exists('"$p"')}; then printf 1; else printf 0; fi; done`,
        'echo',
      ].join('\n'),
    parse(stdout, _code, args) {
      const v = lines(stdout)[0] ?? '';
      const flags = v.slice(2);
      if (!v.startsWith('E|') || flags.length !== args.length || !/^[01]*$/.test(flags))
        throw new ParseProblem('expected one 0/1 per path');
      return [...flags].map((c) => c === '1');
    },
  },
  schema: z.boolean(),
};
