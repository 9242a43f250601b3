import { z } from 'zod';
import { ParseProblem } from './errors.js';
import type { Fact } from './types.js';

export const cibSchema = z.object({
  /** The CIB answered (pacemaker runs on this host). */
  running: z.boolean(),
  /** The whole live CIB (`cibadmin -Q`: configuration and status), null when it did not answer. */
  xml: z.string().nullable(),
});
export type CibInfo = z.infer<typeof cibSchema>;

/** The live CIB of the cluster, read on this host with `cibadmin -Q` (answers on any member once pacemaker runs). */
export const cibFact: Fact<CibInfo> = {
  name: 'cib',
  become: true,
  // Read when pacemaker_cib runs, after the wait for quorum and a DC: never prefetched ahead of it.
  live: true,
  command: () =>
    [
      'if command -v cibadmin >/dev/null 2>&1 && c=$(cibadmin -Q 2>/dev/null); then',
      '  printf \'running\\n%s\\n\' "$c"',
      'else echo down; fi',
    ].join('\n'),
  parse(stdout) {
    const nl = stdout.indexOf('\n');
    const head = nl < 0 ? stdout.trim() : stdout.slice(0, nl);
    if (head === 'down') return { running: false, xml: null };
    if (head !== 'running') throw new ParseProblem('expected running or down');
    const xml = stdout.slice(nl + 1).trim();
    if (!xml.startsWith('<cib')) throw new ParseProblem('cibadmin -Q did not print a <cib> document');
    return { running: true, xml };
  },
  schema: cibSchema,
};
