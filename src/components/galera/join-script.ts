import { shq } from '../../shell/posix.js';
import { waitSyncedCommand } from './scripts.js';

/**
 * The start of one joiner and its bounded wait, as one script: when `systemctl start mariadb` fails (an SST that
 * failed aborts the server) or the wait for Synced runs out, the script fails naming the joiner, followed by the
 * server's own error lines from this start (the journal of the unit since the script began, filtered by
 * `serverErrorFilter`). A joiner whose unit failed (or waits for systemd's automatic restart: Debian's unit has
 * Restart=on-abnormal, and a failed SST aborts mariadbd with SIGABRT) is stopped, so it does not ask a donor for
 * another state transfer every few seconds; one still starting when the wait runs out (a long SST) is left running.
 * Nothing runs on the other members: they stay as they are.
 */

/** At most this many of the server's error lines go into the failure (human output shows a 20-line stderr tail). */
export const SERVER_ERROR_LINES = 12;

/** What replaces a secret in the server's lines. */
export const MASK = '********';

/**
 * A shell pipeline, journal text on stdin → the server's error lines, at most `max`, the last ones: `[ERROR]`
 * lines of mariadbd (its WSREP errors among them) and of the SST script (`WSREP_SST: [ERROR]`), WSREP warnings that
 * report a failure (a donor's failed transfer), `Aborting`, and systemd's lines on how the unit ended. Anything that looks like a password is masked: `password=…`, `--password …`,
 * `wsrep_sst_auth=USER:…`, and every literal occurrence of the password in `$HAKIT_SST_PW` when it is set (read on
 * the host from galera.cnf, never on a command line).
 */
export function serverErrorFilter(max = SERVER_ERROR_LINES): string {
  const pick =
    "grep -a -E '\\[ERROR\\]|\\[Warning\\] WSREP: .*[Ff]ail|Aborting|: Main process exited|: Failed with result'";
  // The literal SST password, wherever it stands (ENVIRON: awk -v would interpret backslashes).
  const literal = `awk '{ p = ENVIRON["HAKIT_SST_PW"]; s = $0; o = ""; if (p != "") while ((i = index(s, p)) > 0) { o = o substr(s, 1, i - 1) "${MASK}"; s = substr(s, i + length(p)) } print o s }'`;
  const patterns = `sed -E 's/((password|passwd|pswd)[[:space:]]*[=:][[:space:]]*|--password[= ]|wsrep_sst_auth[[:space:]]*=[[:space:]]*[^:[:space:]]*:)[^[:space:]'"'"'",;]+/\\1${MASK}/Ig'`;
  return `${pick} | ${literal} | ${patterns} | tail -n ${max}`;
}

export interface JoinCommandOptions {
  /** The joiner's inventory name, in the failure's first line. */
  node: string;
  action: 'start' | 'restart';
  minClusterSize: number;
  timeoutS: number;
  /** galera.cnf: its wsrep_sst_auth password is masked in the server's lines (absent: only the patterns). */
  galeraCnf?: string | undefined;
  unit?: string;
}

/** `systemctl start|restart mariadb`, then the bounded wait; on failure the joiner and the server's error lines. */
export function joinCommand(o: JoinCommandOptions): string {
  const unit = o.unit ?? 'mariadb';
  const u = shq(unit);
  const pw = o.galeraCnf
    ? `HAKIT_SST_PW=$(sed -n 's/^wsrep_sst_auth[[:space:]]*=[^:]*://p' ${shq(o.galeraCnf)} 2>/dev/null | head -n 1); export HAKIT_SST_PW`
    : 'HAKIT_SST_PW=; export HAKIT_SST_PW';
  const fail = (what: string) => `${what} (wanted: Primary, Synced, cluster size >= ${o.minClusterSize})`;
  return [
    `since=$(date '+%Y-%m-%d %H:%M:%S')`,
    pw,
    'server_errors() {',
    `  echo ${shq(`${o.node} did not join the Galera cluster: `)}"$1" >&2`,
    `  lines=$(journalctl -u ${u} --since "$since" --no-pager -o cat 2>/dev/null | ${serverErrorFilter()})`,
    `  echo "the server's own error lines (journalctl -u ${unit} since $since, the last ${SERVER_ERROR_LINES} at most):" >&2`,
    `  if [ -n "$lines" ]; then printf '%s\\n' "$lines" | sed 's/^/  /' >&2; else echo '  (none)' >&2; fi`,
    '  HAKIT_SST_PW=',
    `  if [ "$(systemctl show -p ActiveState --value ${u})" = failed ] || [ "$(systemctl show -p SubState --value ${u})" = auto-restart ]; then`,
    `    systemctl stop ${u} >/dev/null 2>&1`,
    `    echo ${shq(`${unit} stopped on ${o.node} (its unit failed: systemd would restart it and ask for another state transfer); fix the cause and rerun`)} >&2`,
    '  fi',
    '}',
    `if ! out=$(systemctl ${o.action} ${u} 2>&1); then`,
    `  server_errors "${fail(`systemctl ${o.action} ${unit} failed`)}: $(printf '%s' "$out" | head -n 1)"; exit 1`,
    'fi',
    `if ! wait_out=$( (\n${waitSyncedCommand(o.minClusterSize, o.timeoutS, unit, false)}\n) 2>&1 ); then`,
    `  server_errors "$(printf '%s' "$wait_out" | head -n 1)"; exit 1`,
    'fi',
    'HAKIT_SST_PW=',
    'printf \'%s\\n\' "$wait_out"',
  ].join('\n');
}
