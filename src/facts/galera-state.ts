import { z } from 'zod';
import { shq } from '../shell/posix.js';
import { ParseProblem } from './errors.js';
import { decodeBase64, lines, splitOnce } from './lines.js';
import type { Fact } from './types.js';
import { absPath, unitName } from './validators.js';

/** Debian's (and RHEL's) MariaDB datadir, and the unit both name `mariadb`. */
export const DEFAULT_DATADIR = '/var/lib/mysql';
export const DEFAULT_MARIADB_UNIT = 'mariadb';
/**
 * Where the `galera_recover` operation leaves what `mariadbd --wsrep-recover` printed (root only, 0600):
 *
 *     datadir=<datadir>
 *     stamp=<inode size mtime of grastate.dat when the recovery ran, or "absent">
 *     exit=<exit code>
 *     <the output's last lines>
 *
 * It holds while grastate.dat is the file it was recovered next to: any start of the server rewrites
 * grastate.dat (a new mtime), so an old record is never taken for the current position.
 */
export const GALERA_RECOVERY_RECORD = '/var/lib/hakit/galera-recovery';

export const galeraStateArgs = z
  .strictObject({
    /** The MariaDB datadir (default /var/lib/mysql). */
    datadir: absPath.optional(),
    /** grastate.dat (default `<datadir>/grastate.dat`). */
    grastate: absPath.optional(),
    /** The systemd unit (default mariadb). */
    unit: unitName.optional(),
    /** Where `galera_recover` records `--wsrep-recover`'s output (default GALERA_RECOVERY_RECORD). */
    recovery_record: absPath.optional(),
  })
  .optional();
export type GaleraStateArgs = z.infer<typeof galeraStateArgs>;

/** The wsrep status variables read from a running server. */
export const WSREP_STATUS_VARIABLES = [
  'wsrep_local_state_comment',
  'wsrep_cluster_status',
  'wsrep_cluster_size',
  'wsrep_cluster_state_uuid',
  'wsrep_last_committed',
] as const;

/** Largest grastate.dat read (Galera writes at most 256 bytes; more is not its file). */
const MAX_GRASTATE_BYTES = 65536;

export const wsrepStatusSchema = z.object({
  /** The status query answered; when not, `error` says what the client printed. */
  ok: z.boolean(),
  error: z.string().nullable(),
  /** Synced | Donor/Desynced | Joining | Joined | Initialized | …; null when the server has no such variable. */
  localStateComment: z.string().nullable(),
  /** Primary | non-Primary | Disconnected; null when absent (wsrep off). */
  clusterStatus: z.string().nullable(),
  clusterSize: z.number().int().nonnegative().nullable(),
  /** The cluster's state uuid ("" while disconnected reads as null). */
  clusterStateUuid: z.string().nullable(),
  lastCommitted: z.number().int().nullable(),
});
export type WsrepStatus = z.infer<typeof wsrepStatusSchema>;

export const galeraStateSchema = z.object({
  /** `systemctl is-active <unit>` (active, inactive, failed, activating, …); null without systemctl. */
  unit: z.string().nullable(),
  /** Pids of mariadbd/mysqld processes (`pidof`), started by systemd or not. */
  pids: z.array(z.number().int().positive()),
  /** The unit is active or a server process exists. */
  running: z.boolean(),
  /** `<datadir>/mysql` exists: the datadir was initialised (mariadb-install-db, an SST, a package install). */
  datadirInitialised: z.boolean(),
  /** grastate.dat's text; null when there is no such regular file. Parse it with `parseGrastate`. */
  grastate: z.string().nullable(),
  /** wsrep status of the running server (root through the unix socket); null when it does not run. */
  status: wsrepStatusSchema.nullable(),
  /**
   * What `mariadbd --wsrep-recover` printed (GALERA_RECOVERY_RECORD) when it ran next to the current
   * grastate.dat of this datadir; absent when it never ran, or grastate.dat changed since (`recoveryStale`).
   * Parse `output` with `parseWsrepRecover(output, exitCode)`.
   */
  recovery: z.object({ exitCode: z.number().int(), output: z.string() }).optional(),
  /** A record exists but belongs to another datadir or to an older grastate.dat: ignored. */
  recoveryStale: z.literal(true).optional(),
});
export type GaleraState = z.infer<typeof galeraStateSchema>;

function paths(args: GaleraStateArgs) {
  const datadir = args?.datadir ?? DEFAULT_DATADIR;
  return {
    datadir,
    grastate: args?.grastate ?? `${datadir.replace(/\/+$/, '')}/grastate.dat`,
    unit: args?.unit ?? DEFAULT_MARIADB_UNIT,
    record: args?.recovery_record ?? GALERA_RECOVERY_RECORD,
  };
}

const QUERY = `SHOW GLOBAL STATUS WHERE Variable_name IN (${WSREP_STATUS_VARIABLES.map((v) => `'${v}'`).join(',')})`;

/**
 * One section, one round trip:
 *
 *     U|<systemctl is-active>       (U| alone without systemctl)
 *     P|<pids of mariadbd/mysqld>   (space separated, may be empty)
 *     D|1 or D|0                    <datadir>/mysql is a directory
 *     G|absent, G|notfile, or F|<base64 of grastate.dat>
 *     S|<exit code>|<base64 of the client's stdout+stderr>    only when the server runs
 *     R|<exit code>|<base64 of the output>   a recovery record of this datadir and this grastate.dat
 *     R|stale                                 a record of another datadir or an older grastate.dat
 *
 * The query runs as root (the fact becomes root) through the unix socket: unix_socket authentication, no
 * password anywhere; `timeout` and `--connect-timeout` bound a server that hangs.
 * Leaves `d`, `g`, `u`, `a`, `p`, `c`, `t`, `o`, `r`, `s` set.
 */
function command(args: GaleraStateArgs): string {
  const { datadir, grastate, unit, record } = paths(args);
  return [
    `d=${shq(datadir)}; g=${shq(grastate)}; u=${shq(unit)}`,
    'if command -v systemctl >/dev/null 2>&1; then a=$(systemctl is-active "$u" 2>/dev/null | head -n 1); else a=; fi',
    `printf 'U|%s\\n' "$a"`,
    'if command -v pidof >/dev/null 2>&1; then p=$(pidof mariadbd mysqld 2>/dev/null); else p=; fi',
    `printf 'P|%s\\n' "$p"`,
    `if [ -d "$d/mysql" ]; then echo 'D|1'; else echo 'D|0'; fi`,
    `if [ -f "$g" ]; then printf 'F|'; head -c ${MAX_GRASTATE_BYTES} "$g" | base64 -w0; echo`,
    `elif [ -e "$g" ]; then echo 'G|notfile'; else echo 'G|absent'; fi`,
    'if [ "$a" = active ] || [ -n "$p" ]; then',
    '  if command -v mariadb >/dev/null 2>&1; then c=mariadb; else c=mysql; fi',
    "  if command -v timeout >/dev/null 2>&1; then t='timeout 15'; else t=; fi",
    `  o=$($t "$c" --connect-timeout=5 -N -B -e ${shq(QUERY)} 2>&1)`,
    `  printf 'S|%s|' "$?"; printf '%s' "$o" | base64 -w0; echo`,
    'fi',
    `r=${shq(record)}`,
    'if [ -f "$r" ]; then',
    `  s=$(${grastateStampCommand('"$g"')})`,
    `  if [ "$(sed -n '1p' "$r")" = "datadir=$d" ] && [ "$(sed -n '2p' "$r")" = "stamp=$s" ]; then`,
    `    printf 'R|%s|' "$(sed -n '3s/^exit=//p' "$r")"; sed '1,3d' "$r" | base64 -w0; echo`,
    `  else echo 'R|stale'; fi`,
    'fi',
  ].join('\n');
}

/**
 * Prints what identifies this grastate.dat now: inode, size and mtime (nanoseconds), or `absent`. The server
 * rewrites the file whenever it starts or stops, so the stamp changes with it. `file` is a shell word.
 */
export function grastateStampCommand(file: string): string {
  return `stat -c '%i %s %y' ${file} 2>/dev/null || echo absent`;
}

function parseStatus(code: string, text: string): WsrepStatus {
  const status: WsrepStatus = {
    ok: code === '0',
    error: null,
    localStateComment: null,
    clusterStatus: null,
    clusterSize: null,
    clusterStateUuid: null,
    lastCommitted: null,
  };
  if (!status.ok) {
    const first = text.trim().split('\n').slice(0, 3).join(' ').slice(0, 300);
    status.error = `${code === '124' ? 'timed out' : `exit ${code}`}${first ? `: ${first}` : ''}`;
    return status;
  }
  for (const l of text.split('\n')) {
    if (l.trim() === '') continue;
    const [name, value] = splitOnce(l.replace(/\r$/, ''), '\t');
    if (!(WSREP_STATUS_VARIABLES as readonly string[]).includes(name))
      throw new ParseProblem('status query printed a line that is not a requested variable');
    const v = value.trim();
    if (name === 'wsrep_local_state_comment') status.localStateComment = v || null;
    else if (name === 'wsrep_cluster_status') status.clusterStatus = v || null;
    else if (name === 'wsrep_cluster_state_uuid') status.clusterStateUuid = v || null;
    else {
      if (!/^-?\d+$/.test(v)) throw new ParseProblem(`${name} is not an integer`);
      const n = v === '18446744073709551615' ? -1 : Number(v);
      if (name === 'wsrep_cluster_size') status.clusterSize = n;
      else status.lastCommitted = n;
    }
  }
  return status;
}

function parse(stdout: string): GaleraState {
  const byKey = new Map<string, string>();
  for (const l of lines(stdout)) {
    const [k, v] = splitOnce(l, '|');
    if (!['U', 'P', 'D', 'G', 'F', 'S', 'R'].includes(k) || !l.includes('|'))
      throw new ParseProblem('unexpected line (expected U|, P|, D|, G|, F|, S| or R|)');
    if (byKey.has(k) || (k === 'F' && byKey.has('G')) || (k === 'G' && byKey.has('F')))
      throw new ParseProblem(`${k}| given twice`);
    byKey.set(k, v);
  }
  const unit = byKey.get('U');
  const pidText = byKey.get('P');
  const datadir = byKey.get('D');
  if (unit === undefined || pidText === undefined || (datadir !== '0' && datadir !== '1'))
    throw new ParseProblem('missing U|, P| or D| line (output cut short?)');
  if (!byKey.has('F') && byKey.get('G') !== 'absent' && byKey.get('G') !== 'notfile')
    throw new ParseProblem('missing grastate line (output cut short?)');
  const pids = pidText.trim() === '' ? [] : pidText.trim().split(/\s+/).map(Number);
  if (pids.some((n) => !Number.isSafeInteger(n) || n <= 0)) throw new ParseProblem('pidof printed a non-pid');
  const running = unit === 'active' || pids.length > 0;
  const s = byKey.get('S');
  if (running !== (s !== undefined)) throw new ParseProblem('status line present iff the server runs');
  let status: WsrepStatus | null = null;
  if (s !== undefined) {
    const [code, b64] = splitOnce(s, '|');
    if (!/^\d+$/.test(code)) throw new ParseProblem('malformed status line');
    status = parseStatus(code, decodeBase64('galera_state', b64));
  }
  const f = byKey.get('F');
  const r = byKey.get('R');
  let recovery: Pick<GaleraState, 'recovery' | 'recoveryStale'> = {};
  if (r === 'stale') recovery = { recoveryStale: true };
  else if (r !== undefined) {
    const [code, b64] = splitOnce(r, '|');
    if (!/^\d+$/.test(code)) throw new ParseProblem('malformed recovery record line');
    recovery = { recovery: { exitCode: Number(code), output: decodeBase64('galera_state', b64) } };
  }
  return {
    unit: unit === '' ? null : unit,
    pids,
    running,
    datadirInitialised: datadir === '1',
    grastate: f === undefined ? null : decodeBase64('galera_state', f),
    status,
    ...recovery,
  };
}

/**
 * What a Galera member looks like from the inside, in one round trip: is MariaDB running (the unit and a
 * mariadbd process), its saved state (grastate.dat, raw), whether the datadir is initialised, and — when it
 * runs — its wsrep status. Interpreted by src/components/galera (parseGrastate, chooseBootstrap).
 */
export const galeraStateFact: Fact<GaleraState, GaleraStateArgs> = {
  name: 'galera_state',
  args: galeraStateArgs,
  become: true,
  command,
  parse: (stdout) => parse(stdout),
  schema: galeraStateSchema,
};
