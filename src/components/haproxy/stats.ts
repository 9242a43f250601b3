/** HAProxy's `show stat` CSV (the runtime API), as rows keyed by column name. Pure. */

export interface StatRow {
  pxname: string;
  svname: string;
  status: string;
  checkStatus: string;
  /** Seconds since the last status change, when reported. */
  lastChange: number | null;
  fields: Record<string, string>;
}

export function parseStatCsv(text: string): StatRow[] {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const head = lines.find((l) => l.startsWith('# '));
  if (!head)
    throw new Error(
      `no CSV header from the stats socket${text.trim() ? `: ${text.trim().split('\n')[0]}` : ''}`,
    );
  const cols = head.slice(2).split(',');
  const rows: StatRow[] = [];
  for (const l of lines) {
    if (!l || l.startsWith('#')) continue;
    const v = l.split(',');
    const fields: Record<string, string> = {};
    cols.forEach((c, i) => {
      if (c) fields[c] = v[i] ?? '';
    });
    const lc = Number(fields.lastchg);
    rows.push({
      pxname: fields.pxname ?? '',
      svname: fields.svname ?? '',
      status: fields.status ?? '',
      checkStatus: fields.check_status ?? '',
      lastChange: fields.lastchg && Number.isFinite(lc) ? lc : null,
      fields,
    });
  }
  return rows;
}

/** A server status that means HAProxy sends it traffic (or would, for a backup): UP, UP 1/2, no check. */
export function serverUp(status: string): boolean {
  return /^UP\b/.test(status) || status === 'no check';
}
