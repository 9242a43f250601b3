import { ParseProblem } from './errors.js';
import { splitOnce } from './lines.js';

/**
 * The output of a fact script made of `key=value` lines and blocks `@SECTION` … `@rc=N` (each section at most
 * once; a non-zero rc or a block that never ends is a ParseProblem with the fact's own wording). Every other line
 * goes to `keyLine`, which checks and records it (and throws a ParseProblem when it is not expected).
 */
export function parseSections<S extends string>(
  ls: readonly string[],
  sections: readonly S[],
  o: {
    failed: (section: S, rc: string) => string;
    cutShort: (section: S) => string;
    keyLine: (key: string, value: string, line: string) => void;
  },
): Partial<Record<S, string[]>> {
  const body: Partial<Record<S, string[]>> = {};
  let open: S | undefined;
  for (const l of ls) {
    if (open) {
      const rc = /^@rc=(\d+)$/.exec(l);
      if (!rc) {
        (body[open] as string[]).push(l);
        continue;
      }
      if (rc[1] !== '0') throw new ParseProblem(o.failed(open, rc[1] as string));
      open = undefined;
      continue;
    }
    const s = l.startsWith('@') ? (l.slice(1) as S) : undefined;
    if (s && sections.includes(s) && !body[s]) {
      open = s;
      body[s] = [];
      continue;
    }
    const [k, v] = splitOnce(l, '=');
    o.keyLine(k, v, l);
  }
  if (open) throw new ParseProblem(o.cutShort(open));
  return body;
}
