/** Median of a non-empty list (mean of the two middle values for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('median of an empty list');
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/** A plain text table: first row is the header; columns padded, numbers right-aligned. */
export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const [head, ...body] = rows;
  if (!head) return '';
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** One floor's median on one size (bench/floor.ts: log in, then `rounds` rounds of an empty command). */
export interface FloorMedian {
  rounds: number;
  what: string;
  medianMs: number;
}

/** 30-vs-3 ratio of each floor both sizes measured (same rounds): what no SSH runner on these hosts gets under. */
export function floorRatios(r3: { floor: FloorMedian[] }, r30: { floor: FloorMedian[] }) {
  return r3.floor.flatMap((a) => {
    const b = r30.floor.find((x) => x.rounds === a.rounds);
    if (!b) return [];
    return [
      {
        what: `${a.what}: 30 vs 3 hosts`,
        detail: `${(b.medianMs / a.medianMs).toFixed(2)}× (${seconds(b.medianMs)} vs ${seconds(a.medianMs)})`,
      },
    ];
  });
}
