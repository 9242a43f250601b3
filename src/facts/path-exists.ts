import { z } from 'zod';
import { shq } from '../ops/shell.js';
import { ParseProblem } from './errors.js';
import { lines } from './lines.js';
import type { Fact } from './types.js';
import { absPath } from './validators.js';

export const pathExistsArgs = z.strictObject({ path: absPath });
export type PathExistsArgs = z.infer<typeof pathExistsArgs>;

/** Whether anything (file, directory, even a dangling link) is at a path — for `creates`/`removes`. */
export const pathExistsFact: Fact<boolean, PathExistsArgs> = {
  name: 'path_exists',
  args: pathExistsArgs,
  become: true,
  command: ({ path }) => `if [ -e ${shq(path)} ] || [ -L ${shq(path)} ]; then echo yes; else echo no; fi`,
  parse(stdout) {
    const v = lines(stdout)[0];
    if (v === 'yes') return true;
    if (v === 'no') return false;
    throw new ParseProblem('expected yes or no');
  },
  schema: z.boolean(),
};
