import { z } from 'zod';
import { ParseProblem } from './errors.js';
import { lines, splitOnce } from './lines.js';
import type { Fact } from './types.js';

export const initInfoSchema = z.object({ systemd: z.boolean(), pid1: z.string() });
export type InitInfo = z.infer<typeof initInfoSchema>;

/** Whether systemd is the running init (sd_booted(3): /run/systemd/system exists), and PID 1's name. */
export const initFact: Fact<InitInfo> = {
  name: 'init',
  command: () =>
    'if [ -d /run/systemd/system ]; then s=systemd; else s=other; fi; printf \'%s|%s\\n\' "$s" "$(cat /proc/1/comm 2>/dev/null)"',
  parse(stdout) {
    const first = lines(stdout)[0];
    if (!first) throw new ParseProblem('empty output');
    const [kind, comm] = splitOnce(first, '|');
    if (kind !== 'systemd' && kind !== 'other') throw new ParseProblem(`unexpected marker "${kind}"`);
    return { systemd: kind === 'systemd', pid1: comm };
  },
  schema: initInfoSchema,
};
