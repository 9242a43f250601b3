import { z } from 'zod';
import { shq } from '../ops/shell.js';
import { ParseProblem } from './errors.js';
import { lines } from './lines.js';
import type { Fact } from './types.js';
import { sysctlName, sysctlPath } from './validators.js';

export const sysctlArgs = z.strictObject({ names: z.array(sysctlName).min(1) });
export type SysctlArgs = z.infer<typeof sysctlArgs>;

/** name → live value from /proc/sys (whitespace squeezed to single spaces), null when the key does not exist. */
export const sysctlSchema = z.record(z.string(), z.string().nullable());
export type SysctlValues = z.infer<typeof sysctlSchema>;

/** Normalizes a sysctl value the way the kernel prints it: fields separated by single spaces. */
export function normalizeSysctlValue(v: string | number): string {
  return String(v).trim().split(/\s+/).join(' ');
}

/** Live kernel parameters read from /proc/sys (the persisted side is read with `file_content`). */
export const sysctlFact: Fact<SysctlValues, SysctlArgs> = {
  name: 'sysctl',
  args: sysctlArgs,
  command({ names }) {
    return names
      .map((n) => {
        const p = shq(sysctlPath(n));
        return `if [ -r ${p} ]; then printf 'V\\t%s\\t%s\\n' ${shq(n)} "$(tr '\\t\\n' '  ' < ${p})"; else printf 'M\\t%s\\n' ${shq(n)}; fi`;
      })
      .join('\n');
  },
  parse(stdout, _code, { names }) {
    const out: SysctlValues = {};
    for (const l of lines(stdout)) {
      const cols = l.split('\t');
      if (cols[0] === 'V' && cols.length === 3) out[cols[1]!] = normalizeSysctlValue(cols[2]!);
      else if (cols[0] === 'M' && cols.length === 2) out[cols[1]!] = null;
      else throw new ParseProblem('unexpected line (expected V<TAB>name<TAB>value or M<TAB>name)');
    }
    for (const n of names) if (!(n in out)) throw new ParseProblem(`no output for ${n}`);
    return out;
  },
  schema: sysctlSchema,
};
