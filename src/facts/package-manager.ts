import { z } from 'zod';
import { ParseProblem } from './errors.js';
import { lines } from './lines.js';
import type { Fact } from './types.js';

export const packageManagerSchema = z.enum(['apt', 'dnf', 'yum']).nullable();
export type PackageManager = z.infer<typeof packageManagerSchema>;

/** The package manager: apt, dnf or yum (first found, in that order); null when none. */
export const packageManagerFact: Fact<PackageManager> = {
  name: 'package_manager',
  // `break`, not `exit`: snippets share the batch's shell (see Fact.command); `none` is the loop's last word.
  command: () =>
    'for m in apt-get dnf yum none; do if [ "$m" = none ] || command -v "$m" >/dev/null 2>&1; then echo "$m"; break; fi; done',
  parse(stdout) {
    const v = lines(stdout)[0];
    if (v === 'apt-get') return 'apt';
    if (v === 'dnf' || v === 'yum') return v;
    if (v === 'none') return null;
    throw new ParseProblem(`unexpected output "${(v ?? '').slice(0, 40)}"`);
  },
  schema: packageManagerSchema,
};
