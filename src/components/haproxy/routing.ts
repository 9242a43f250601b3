import { parseStatCsv, serverUp } from './stats.js';

/** One server row of HAProxy's `show stat` (the fields hakit reads). */
export interface StatServer {
  backend: string;
  server: string;
  /** UP, DOWN, MAINT, DRAIN, NOLB, `UP 1/2` (going down), `DOWN 1/2` (going up), `no check`… */
  status: string;
  backup: boolean;
  /** Last health check, e.g. L7OK, L4CON, L7STS. */
  checkStatus: string | null;
}

/**
 * The server rows of `show stat` (parseStatCsv; FRONTEND and BACKEND summary rows left out), with whether each is
 * a backup. Throws on a CSV without a header or without the bck column.
 */
export function parseShowStat(csv: string): StatServer[] {
  const rows = parseStatCsv(csv);
  if (rows.length && rows[0]?.fields.bck === undefined) throw new Error('show stat: no bck column');
  return rows
    .filter((r) => r.svname !== 'FRONTEND' && r.svname !== 'BACKEND' && r.svname !== '')
    .map((r) => ({
      backend: r.pxname,
      server: r.svname,
      status: r.status,
      backup: r.fields.bck === '1',
      checkStatus: r.checkStatus || null,
    }));
}

/**
 * The servers of one backend that get NEW connections now, in HAProxy's rules: the active (non-backup) servers
 * that are up — only the first of them with `balance first` — else, when none is up, the first backup that is
 * up (every backup up with `option allbackups`). `servers` in the backend's order.
 */
export function routedServers(
  servers: readonly StatServer[],
  backend: { balance: string; allbackups: boolean },
): Set<string> {
  const up = servers.filter((s) => serverUp(s.status));
  const active = up.filter((s) => !s.backup);
  if (active.length)
    return new Set((backend.balance === 'first' ? active.slice(0, 1) : active).map((s) => s.server));
  const backups = up.filter((s) => s.backup);
  return new Set((backend.allbackups ? backups : backups.slice(0, 1)).map((s) => s.server));
}
