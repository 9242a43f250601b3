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
