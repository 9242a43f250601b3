import { z } from 'zod';
import { shq } from '../shell/posix.js';
import { ParseProblem } from './errors.js';
import { lines, splitOnce } from './lines.js';
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

/**
 * All keys in ONE process: `R<TAB>name` for each readable key and `M<TAB>name` for the others (builtin
 * `[ -r ]`: absent, or write-only like vm.compact_memory), then `grep -aH '' -- <readable files>`, which prints
 * every line of every file as `<path>:<line>` in operand order (a last line without newline included; an
 * empty file prints nothing: value ""). Paths hold no `:` (sysctlName), so the path is the text before the
 * first `:`, and it maps back to exactly one requested name (the `.`/`/` swap is one-to-one).
 *
 * Not the shell's `read` builtin: dash reads one byte per read(2), and the kernel answers a read at a
 * non-zero offset of an integer sysctl file with EOF, so dash would see "6" for vm.swappiness = 60.
 *
 * The value is the file's lines joined by spaces, whitespace squeezed by the parser: exactly what the
 * former `"$(tr '\t\n' '  ' < file)"` per key gave, multi-line files included (prefetch-facts.test.ts checks
 * it on /proc/sys and on odd files). A file vanishing between the test and grep gives "", as that form did.
 * Leaves the positional parameters set.
 */
function keysSnippet(names: string[]): string {
  const keys = [...new Set(names)];
  return [
    'set --',
    ...keys.map((n) => {
      const p = shq(sysctlPath(n));
      return `if [ -r ${p} ]; then set -- "$@" ${p}; printf 'R\\t%s\\n' ${shq(n)}; else printf 'M\\t%s\\n' ${shq(n)}; fi`;
    }),
    'if [ $# -gt 0 ]; then grep -aH \'\' -- "$@"; fi',
  ].join('\n');
}

/** `R<TAB>name` / `M<TAB>name` lines, then `<path>:<line>` lines for the readable keys. */
function parseValues(stdout: string, names: string[]): SysctlValues {
  const byPath = new Map(names.map((n) => [sysctlPath(n), n]));
  const found = new Map<string, string[] | null>();
  for (const l of lines(stdout)) {
    if (l.startsWith('/')) {
      const [path, line] = splitOnce(l, ':');
      const n = byPath.get(path);
      const acc = n === undefined ? undefined : found.get(n);
      if (!acc || !l.includes(':'))
        throw new ParseProblem('a value line for a key not announced as readable');
      acc.push(line);
      continue;
    }
    const [kind, n] = splitOnce(l, '\t');
    if ((kind !== 'R' && kind !== 'M') || !byPath.has(sysctlPath(n)) || byPath.get(sysctlPath(n)) !== n)
      throw new ParseProblem('unexpected line (expected R<TAB>name, M<TAB>name or path:value)');
    found.set(n, kind === 'R' ? [] : null);
  }
  const out: SysctlValues = {};
  for (const n of names) {
    const v = found.get(n);
    if (v === undefined) throw new ParseProblem(`no output for ${n}`);
    out[n] = v === null ? null : normalizeSysctlValue(v.join(' '));
  }
  return out;
}

/** Live kernel parameters read from /proc/sys (the persisted side is read with `file_content`). */
export const sysctlFact: Fact<SysctlValues, SysctlArgs> = {
  name: 'sysctl',
  args: sysctlArgs,
  command: ({ names }) => keysSnippet(names),
  parse: (stdout, _code, { names }) => parseValues(stdout, names),
  /**
   * Several requests in one section: the single form's snippet for the keys of all requests (each once, one
   * grep for all), then each request gets the values of its own keys.
   */
  many: {
    command: (args) => keysSnippet(args.flatMap((a) => a.names)),
    parse(stdout, _code, args) {
      const all = parseValues(
        stdout,
        args.flatMap((a) => a.names),
      );
      return args.map(({ names }) => Object.fromEntries(names.map((n) => [n, all[n]])));
    },
  },
  schema: sysctlSchema,
};
