import type { FileDiff } from './types.js';

type Edit = { op: ' ' | '-' | '+'; line: string; a: number; b: number };

function splitLines(s: string | null): { lines: string[]; eofNewline: boolean } {
  if (s === null || s === '') return { lines: [], eofNewline: true };
  const eofNewline = s.endsWith('\n');
  return { lines: (eofNewline ? s.slice(0, -1) : s).split('\n'), eofNewline };
}

/** Myers' O(ND) shortest edit script over lines. */
function myers(a: string[], b: string[]): Edit[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  outer: for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && v[off + k - 1]! < v[off + k + 1]!) ? v[off + k + 1]! : v[off + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) break outer;
    }
  }
  const edits: Edit[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vd = trace[d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && vd[off + k - 1]! < vd[off + k + 1]!) ? k + 1 : k - 1;
    const prevX = vd[off + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      edits.push({ op: ' ', line: a[x]!, a: x, b: y });
    }
    if (d > 0) {
      if (x === prevX) {
        y--;
        edits.push({ op: '+', line: b[y]!, a: x, b: y });
      } else {
        x--;
        edits.push({ op: '-', line: a[x]!, a: x, b: y });
      }
    }
  }
  return edits.reverse();
}

export interface DiffOptions {
  /** Withhold the body: only say that the content changed. */
  sensitive?: boolean;
  /** Context lines around changes (default 3). */
  context?: number;
}

/**
 * A unified diff (`--- a/path`, `+++ b/path`, `@@` hunks) from `before` to `after`; null content means
 * the file does not exist. Empty string when nothing changed. With `sensitive` the body is masked.
 */
export function unifiedDiff(
  before: string | null,
  after: string | null,
  path: string,
  opts: DiffOptions = {},
): string {
  if (before === after) return '';
  const from = before === null ? '/dev/null' : `a${path.startsWith('/') ? '' : '/'}${path}`;
  const to = after === null ? '/dev/null' : `b${path.startsWith('/') ? '' : '/'}${path}`;
  const head = `--- ${from}\n+++ ${to}\n`;
  if (opts.sensitive) {
    const what = before === null ? 'created' : after === null ? 'removed' : 'changed';
    return `${head}@@ sensitive content ${what}, diff not shown @@\n`;
  }
  const A = splitLines(before);
  const B = splitLines(after);
  // A last line without its newline differs from the same text with one (as in GNU diff).
  const keys = (x: { lines: string[]; eofNewline: boolean }) =>
    x.lines.map((l, i) => (i === x.lines.length - 1 && !x.eofNewline ? `${l}\u0000` : l));
  const edits = myers(keys(A), keys(B)).map((e) => ({
    ...e,
    line: e.op === '+' ? B.lines[e.b]! : A.lines[e.a]!,
  }));
  const ctx = opts.context ?? 3;
  const out: string[] = [head.trimEnd()];
  let i = 0;
  while (i < edits.length) {
    while (i < edits.length && edits[i]!.op === ' ') i++;
    if (i >= edits.length) break;
    let start = Math.max(0, i - ctx);
    // Extend the hunk while changes are within 2*ctx of each other.
    let end = i;
    let j = i;
    while (j < edits.length) {
      if (edits[j]!.op !== ' ') {
        end = j;
        j++;
        continue;
      }
      let k = j;
      while (k < edits.length && edits[k]!.op === ' ') k++;
      if (k < edits.length && k - j <= 2 * ctx) j = k;
      else break;
    }
    const stop = Math.min(edits.length, end + ctx + 1);
    const hunk = edits.slice(start, stop);
    const aCount = hunk.filter((e) => e.op !== '+').length;
    const bCount = hunk.filter((e) => e.op !== '-').length;
    const first = hunk[0]!;
    const aStart = aCount === 0 ? first.a : first.a + 1;
    const bStart = bCount === 0 ? first.b : first.b + 1;
    out.push(`@@ -${aStart},${aCount} +${bStart},${bCount} @@`);
    for (const e of hunk) {
      out.push(`${e.op}${e.line}`);
      const lastA = e.op !== '+' && e.a === A.lines.length - 1 && !A.eofNewline;
      const lastB = e.op !== '-' && e.b === B.lines.length - 1 && !B.eofNewline;
      if ((e.op === '-' && lastA) || (e.op === '+' && lastB) || (e.op === ' ' && (lastA || lastB)))
        out.push('\\ No newline at end of file');
    }
    start = stop;
    i = stop;
  }
  return `${out.join('\n')}\n`;
}

/** The unified diff of a planned FileDiff (masked when it is sensitive). */
export function formatFileDiff(d: FileDiff): string {
  return unifiedDiff(d.before, d.after, d.path, { sensitive: d.sensitive === true });
}
