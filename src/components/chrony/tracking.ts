/**
 * The time readout of one node: its clock (`date +%s.%N`, read first), whether it is a container (the clock is
 * then the host kernel's) and `chronyc -c tracking` when chronyd answers. Pure.
 */

export interface Tracking {
  referenceId: string;
  referenceName: string;
  stratum: number;
  /** System time minus NTP time, seconds (chronyc's "System time", signed). */
  systemOffset: number;
  lastOffset: number;
  rmsOffset: number;
  /** Normal, Insert second, Delete second, Not synchronised. */
  leap: string;
}

export interface TimeReadout {
  /** The node's clock, seconds since the epoch. */
  clock: number;
  container: boolean;
  /** null when chronyc is missing or chronyd does not answer (`chronyError` says which). */
  tracking: Tracking | null;
  chronyError: string | null;
}

/** `chronyc -c tracking`: one CSV line. */
export function parseTracking(line: string): Tracking {
  const f = line.trim().split(',');
  if (f.length < 14)
    throw new Error(`chronyc -c tracking: expected 14 fields, got ${f.length}: ${line.trim().slice(0, 80)}`);
  const n = (i: number) => {
    const v = Number(f[i]);
    if (!Number.isFinite(v)) throw new Error(`chronyc -c tracking: field ${i + 1} is not a number: ${f[i]}`);
    return v;
  };
  return {
    referenceId: f[0]!,
    referenceName: f[1]!,
    stratum: n(2),
    systemOffset: n(4),
    lastOffset: n(5),
    rmsOffset: n(6),
    leap: f[13]!.trim(),
  };
}

/** The probe's lines: `T|<date +%s.%N>`, `V|container` or `V|none`, `C|<rc>|<chronyc output>` or `C|missing`. */
export function parseTimeReadout(text: string): TimeReadout {
  const get = (k: string) =>
    text
      .split('\n')
      .find((l) => l.startsWith(`${k}|`))
      ?.slice(2);
  const t = Number(get('T'));
  if (!Number.isFinite(t) || t <= 0) throw new Error(`no clock reading in: ${text.trim().slice(0, 80)}`);
  const v = get('V');
  const c = get('C');
  if (v === undefined || c === undefined) throw new Error('time readout cut short (no V| or C| line)');
  let tracking: Tracking | null = null;
  let chronyError: string | null = null;
  if (c === 'missing') chronyError = 'chronyc is not installed';
  else {
    const [rc, ...rest] = c.split('|');
    const out = rest.join('|').trim();
    if (rc !== '0' || !out) chronyError = `chronyc -c tracking: exit ${rc}${out ? `: ${out}` : ''}`;
    else tracking = parseTracking(out.split('\n')[0]!);
  }
  return { clock: t, container: v === 'container', tracking, chronyError };
}
