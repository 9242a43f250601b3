import { shq } from '../../shell/posix.js';

/**
 * The shell scripts of the Galera operations (ops.ts), as small pure functions: a bounded wait for
 * Primary/Synced, and the idempotent creation of the health-check and SST users. None of them carries a
 * password: the users script reads them on the host from the files hakit put there (0600/0640, root) and feeds
 * them to `mariadb` on stdin, so they never appear on a command line, in a process list or in output.
 */

const STATUS_QUERY =
  "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_cluster_status','wsrep_local_state_comment','wsrep_cluster_size')";

/**
 * Waits, bounded, until the local server is in the Primary component, Synced, with `wsrep_cluster_size` at least
 * `minClusterSize`. Prints one line on success; on timeout (or when the unit failed) exits 1 with the last status
 * seen (and, with `journal`, the unit's journal tail when it failed) on stderr. Root reads the status through the
 * unix socket.
 */
export function waitSyncedCommand(
  minClusterSize: number,
  timeoutS: number,
  unit = 'mariadb',
  journal = true,
): string {
  const field = (name: string) => `printf '%s\\n' "$out" | awk -F'\\t' '$1 == "${name}" { print $2 }'`;
  return [
    `deadline=$(( $(date +%s) + ${timeoutS} )); last='no answer yet'`,
    'while :; do',
    `  out=$(timeout 10 mariadb --connect-timeout=5 -N -B -e ${shq(STATUS_QUERY)} 2>&1); rc=$?`,
    '  if [ "$rc" = 0 ]; then',
    `    st=$(${field('wsrep_cluster_status')}); ls=$(${field('wsrep_local_state_comment')}); sz=$(${field('wsrep_cluster_size')})`,
    `    if [ "$st" = Primary ] && [ "$ls" = Synced ] && [ "\${sz:-0}" -ge ${minClusterSize} ]; then`,
    '      echo "Primary, Synced, cluster size $sz"; exit 0',
    '    fi',
    `    last="wsrep_cluster_status=\${st:-?} wsrep_local_state_comment=\${ls:-?} wsrep_cluster_size=\${sz:-?}"`,
    `  else last="mariadb: $(printf '%s' "$out" | head -n 2 | tr '\\n' ' ')"; fi`,
    `  if systemctl is-failed --quiet ${shq(unit)}; then`,
    `    echo "${unit} failed while waiting for Primary/Synced; last: $last" >&2`,
    journal ? `    journalctl -u ${shq(unit)} -n 20 --no-pager >&2 2>/dev/null; exit 1` : '    exit 1',
    '  fi',
    '  if [ "$(date +%s)" -ge "$deadline" ]; then',
    `    echo "not Primary/Synced with cluster size >= ${minClusterSize} after ${timeoutS} s; last: $last" >&2; exit 1`,
    '  fi',
    '  sleep 1',
    'done',
  ].join('\n');
}

/** A MariaDB account name hakit creates: letters, digits, `_`, `.`, `-` (never quoted, never escaped). */
export const SQL_USER = /^[A-Za-z0-9_.-]{1,80}$/;

/** Privileges mariabackup needs on the donor (MariaDB 10.5+; BINLOG MONITOR was REPLICATION CLIENT before). */
export const SST_PRIVILEGES = ['RELOAD', 'PROCESS', 'LOCK TABLES', 'BINLOG MONITOR'] as const;

export interface DbUser {
  /** Account name ('NAME'@'localhost'); must match SQL_USER. */
  name: string;
  /** Shell snippet printing the password on stdout (read on the host from a file hakit put there). */
  passwordFrom: string;
  /** Global privileges it needs beyond USAGE (none for the health check: SHOW STATUS needs none). */
  privileges: readonly string[];
}

/**
 * Creates each user once ('NAME'@'localhost'), sets its password only when it differs (compared inside the
 * server: `authentication_string = PASSWORD(...)`, the password on mariadb's stdin), and grants the missing
 * privileges. Prints `changed: …` per change (never a password); prints nothing when everything already is as
 * wanted. Runs as root through the unix socket, on one Synced member (accounts replicate).
 */
export function ensureUsersCommand(users: readonly DbUser[]): string {
  const lines = [
    'set -u',
    // SQL string escaping of a password read from stdin: backslash first, then the single quote.
    `esc() { sed "s/\\\\\\\\/\\\\\\\\\\\\\\\\/g; s/'/\\\\\\\\'/g"; }`,
    'q() { timeout 30 mariadb --connect-timeout=5 -N -B; }',
  ];
  for (const u of users) {
    if (!SQL_USER.test(u.name)) throw new Error(`not a user name hakit creates: ${JSON.stringify(u.name)}`);
    const acct = `'${u.name}'@'localhost'`;
    const where = `User='${u.name}' AND Host='localhost'`;
    lines.push(
      `pw=$( ${u.passwordFrom} | esc ) || exit 1`,
      `n=$(echo "SELECT COUNT(*) FROM mysql.user WHERE ${where}" | q) || exit 1`,
      'if [ "$n" = 0 ]; then',
      `  printf "CREATE USER ${acct} IDENTIFIED BY '%s';\\n" "$pw" | q || exit 1`,
      `  echo "changed: created ${acct}"`,
      'else',
      `  same=$(printf "SELECT COUNT(*) FROM mysql.user WHERE ${where} AND authentication_string = PASSWORD('%s');\\n" "$pw" | q) || exit 1`,
      '  if [ "$same" = 0 ]; then',
      `    printf "ALTER USER ${acct} IDENTIFIED BY '%s';\\n" "$pw" | q || exit 1`,
      `    echo "changed: password of ${acct}"`,
      '  fi',
      'fi',
    );
    if (u.privileges.length) {
      const privs = u.privileges.map((p) => `'${p}'`).join(',');
      lines.push(
        `g=$(echo "SELECT COUNT(*) FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = \\"${acct}\\" AND PRIVILEGE_TYPE IN (${privs})" | q) || exit 1`,
        `if [ "$g" != ${u.privileges.length} ]; then`,
        `  echo "GRANT ${u.privileges.join(', ')} ON *.* TO ${acct}" | q || exit 1`,
        `  echo "changed: granted ${u.privileges.join(', ')} to ${acct}"`,
        'fi',
      );
    }
  }
  lines.push('pw=', 'exit 0');
  return lines.join('\n');
}

/** Prints the `password=` value of a MySQL option file (the clustercheck credentials), nothing when absent. */
export function passwordOfOptionFile(path: string): string {
  return `sed -n 's/^password=//p' ${shq(path)} | head -n 1`;
}

/** Prints the password part of galera.cnf's `wsrep_sst_auth=USER:PASSWORD`. */
export function passwordOfSstAuth(galeraCnf: string): string {
  return `sed -n 's/^wsrep_sst_auth=[^:]*://p' ${shq(galeraCnf)} | head -n 1`;
}
