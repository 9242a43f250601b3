import { GALERA_RECOVERY_RECORD, grastateStampCommand } from '../../facts/galera-state.js';
import { shq } from '../../shell/posix.js';

/**
 * The few host commands of a Galera bootstrap, as small pure functions (the playbook op runs them; tests run
 * them under sh against temp files).
 */

/** MariaDB's script: `systemctl start mariadb` with `_WSREP_NEW_CLUSTER=--wsrep-new-cluster` for that start. */
export const GALERA_NEW_CLUSTER = 'galera_new_cluster';

/**
 * `mariadbd --wsrep-recover`, its error log on stdout (parse it with `parseWsrepRecover` and the exit code).
 * As MariaDB's scripts/galera_recovery.sh: `--user=mysql --wsrep_recover --disable-log-error 2> log`. Only while
 * the server is stopped (it takes the datadir's lock and exits once the position is printed).
 */
export function wsrepRecoverCommand(opts: { binary?: string; user?: string } = {}): string {
  return `${shq(opts.binary ?? 'mariadbd')} --user=${shq(opts.user ?? 'mysql')} --wsrep-recover --disable-log-error 2>&1`;
}

/**
 * grastate.dat's text with `safe_to_bootstrap: 1`: the existing line replaced in place, or one added after the
 * last line when there is none (a partial file). Galera's reader takes the last value of a key; only the
 * bootstrap node gets this.
 */
export function withSafeToBootstrap(content: string): string {
  if (/^[ \t]*safe_to_bootstrap:.*$/m.test(content))
    return content.replace(/^([ \t]*)safe_to_bootstrap:.*$/gm, '$1safe_to_bootstrap: 1');
  const body = content.replace(/[ \t]*$/, ''); // Galera's padding after the last newline
  return `${body}${body === '' || body.endsWith('\n') ? '' : '\n'}safe_to_bootstrap: 1\n`;
}

/**
 * The same change on the host (sed keeps the file's owner and mode when run as root): replace the line, or
 * append one. Prints nothing; exit 0 when done.
 */
export function setSafeToBootstrapCommand(grastate: string): string {
  const f = shq(grastate);
  return [
    `if grep -q '^[[:space:]]*safe_to_bootstrap:' ${f}; then`,
    `  sed -i 's/^\\([[:space:]]*\\)safe_to_bootstrap:.*$/\\1safe_to_bootstrap: 1/' ${f}`,
    `else printf '\\nsafe_to_bootstrap: 1\\n' >> ${f}; fi`,
  ].join('\n');
}

/** Lines of `--wsrep-recover`'s output kept in the record (the position and [ERROR] lines come last). */
export const RECOVERY_TAIL_LINES = 60;

/**
 * Runs `--wsrep-recover` (mariadbd, else mysqld) on a stopped member and leaves what it printed, its exit code
 * and the stamp of grastate.dat in GALERA_RECOVERY_RECORD (0600, root), where the `galera_state` fact reads it
 * (`recovery`) as long as grastate.dat stays the same file. Refuses (exit 1, nothing run) when a server runs
 * now. A failed recovery is recorded, not fatal here: the bootstrap decision then refuses with what every
 * member holds. Prints the position line (or the failure) for the run's log; bounded by `timeoutS`.
 */
export function recoverPositionCommand(o: {
  datadir: string;
  grastate: string;
  timeoutS: number;
  /** Default GALERA_RECOVERY_RECORD. */
  record?: string;
}): string {
  const rec = shq(o.record ?? GALERA_RECOVERY_RECORD);
  return [
    'set -u',
    `d=${shq(o.datadir)}; g=${shq(o.grastate)}; rec=${rec}`,
    'if command -v mariadbd >/dev/null 2>&1; then b=mariadbd; elif command -v mysqld >/dev/null 2>&1; then b=mysqld;',
    'else echo "neither mariadbd nor mysqld is installed" >&2; exit 1; fi',
    'if pidof mariadbd mysqld >/dev/null 2>&1 || [ "$(systemctl is-active mariadb 2>/dev/null)" = active ]; then',
    '  echo "a MariaDB server runs now: not recovering its position (rerun once it is stopped)" >&2; exit 1',
    'fi',
    `out=$(timeout ${o.timeoutS} "$b" --user=mysql --datadir="$d" --wsrep-recover --disable-log-error 2>&1); rc=$?`,
    `s=$(${grastateStampCommand('"$g"')})`,
    `mkdir -p "$(dirname "$rec")" && (umask 077; {`,
    `  printf 'datadir=%s\\nstamp=%s\\nexit=%s\\n' "$d" "$s" "$rc"`,
    `  printf '%s\\n' "$out" | tail -n ${RECOVERY_TAIL_LINES}`,
    '} > "$rec.tmp") && mv -f "$rec.tmp" "$rec" || exit 1',
    `pos=$(printf '%s\\n' "$out" | grep 'WSREP: Recovered position' | tail -n 1)`,
    `if [ "$rc" = 0 ] && [ -n "$pos" ]; then printf '%s\\n' "$pos";`,
    'else echo "--wsrep-recover gave no position (exit $rc); recorded for the bootstrap decision"; fi',
    'exit 0',
  ].join('\n');
}
