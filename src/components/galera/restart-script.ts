import { shq } from '../../shell/posix.js';
import { DRAIN_ANSWERS, DRAIN_DIR, DRAIN_FILE } from './drain.js';
import { waitSyncedCommand } from './scripts.js';

/** An HAProxy node that health-checks this member: its name and every address its checks may come from. */
export interface Checker {
  name: string;
  addresses: string[];
}

export interface RestartScriptInput {
  node: string;
  /** wsrep_cluster_size of the whole cluster (members, plus garbd). */
  expectedSize: number;
  /** The HAProxy nodes whose galera backend lists this member; empty: no drain, no wait for HAProxy. */
  checkers: Checker[];
  /** HAProxy marks the server DOWN after `fall` failed checks, UP after `rise` good ones. */
  fall: number;
  rise: number;
  /** Seconds each wait for the checkers may take (from the check interval: see checkerWaitS). */
  checkerWaitS: number;
  /** Seconds the restarted server may take to be Primary/Synced again (an IST, or an SST). */
  syncTimeoutS: number;
  /** The drain handshake's files (drain.ts; tests point them elsewhere). */
  drain?: { dir: string; file: string; answers: string };
}

const STATUS_QUERY =
  "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_cluster_status','wsrep_local_state_comment','wsrep_cluster_size')";

/** Seconds to wait for every HAProxy to count `checks` answers at interval `interMs`: generous, bounded. */
export function checkerWaitS(checks: number, interMs: number): number {
  return Math.ceil(((checks + 3) * interMs) / 1000) + 10;
}

/**
 * One member's part of a rolling restart, as one script run on the member:
 * 1. refuse unless this member is Primary/Synced in a complete cluster (size = expectedSize): restarting a
 *    member while another is missing or still joining risks quorum and the only up-to-date copy;
 * 2. drain: clustercheck answers 503 (DRAIN_FILE) until every HAProxy that checks this member counted `fall`
 *    failed checks, i.e. marked it DOWN (its sessions cut: `on-marked-down shutdown-sessions`), so no new
 *    client lands on a server about to stop;
 * 3. `systemctl restart mariadb` (a clean shutdown: the restart rejoins by IST), then a bounded wait until
 *    Primary/Synced with the whole cluster again;
 * 4. ready: clustercheck answers the real state again; wait until every HAProxy counted `rise` good checks
 *    (it routes to the member again) before the next member's turn.
 * The drain file is removed on any exit (trap), and expires by itself should the script be killed outright.
 * An HAProxy node whose checks never arrive (HAProxy not running there) is named in a note, not waited for;
 * one that checks but does not count enough answers in time fails the step.
 */
export function restartScript(i: RestartScriptInput): string {
  const field = (name: string) => `printf '%s\\n' "$out" | awk -F'\\t' '$1 == "${name}" { print $2 }'`;
  const checkers = i.checkers.map((c) => `${c.name}=${c.addresses.join(',')}`).join(' ');
  const ttl = i.syncTimeoutS + 2 * i.checkerWaitS + 300;
  const d = i.drain ?? { dir: DRAIN_DIR, file: DRAIN_FILE, answers: DRAIN_ANSWERS };
  const [dir, file, answers] = [shq(d.dir), shq(d.file), shq(d.answers)];
  const lines = [
    'set -u',
    `node=${shq(i.node)}`,
    // Progress goes to stdout and to the member's journal (journalctl -t hakit-galera-restart): the audit trail.
    'say() { echo "$*"; logger -t hakit-galera-restart -- "$*" 2>/dev/null || true; }',
    `out=$(timeout 10 mariadb --connect-timeout=5 -N -B -e ${shq(STATUS_QUERY)} 2>&1) || {`,
    `  echo "refusing to restart $node: MariaDB does not answer: $(printf '%s' "$out" | head -n 2 | tr '\\n' ' ')" >&2; exit 1; }`,
    `st=$(${field('wsrep_cluster_status')}); ls=$(${field('wsrep_local_state_comment')}); sz=$(${field('wsrep_cluster_size')})`,
    `if [ "$st" != Primary ] || [ "$ls" != Synced ] || [ "\${sz:-0}" -lt ${i.expectedSize} ]; then`,
    `  echo "refusing to restart $node: it is \${st:-?}/\${ls:-?} in a cluster of \${sz:-?} (a restart needs Primary/Synced with all ${i.expectedSize}): a member is missing or not Synced; hakit bootstrap brings members back" >&2`,
    '  exit 1',
    'fi',
  ];
  if (i.checkers.length)
    lines.push(
      `mkdir -p ${dir}`,
      `cleanup() { rm -f ${file} ${answers}; }`,
      'trap cleanup EXIT',
      "trap 'exit 130' HUP INT TERM",
      `checkers=${shq(checkers)}`,
      // wait_seen CODE COUNT WHAT: until every checker's answers with CODE number COUNT (bounded).
      'wait_seen() {',
      `  deadline=$(( $(date +%s) + ${i.checkerWaitS} ))`,
      '  while :; do',
      "    short=''; unseen=''; seen=''",
      '    for c in $checkers; do',
      `      name=\${c%%=*}; n=0; any=0`,
      `      for a in $(printf '%s' "\${c#*=}" | tr , ' '); do`,
      `        k=$(grep -c -F -x "$a $1" ${answers} 2>/dev/null) || k=0; n=$((n + k))`,
      `        grep -q -F "$a " ${answers} 2>/dev/null && any=1`,
      '      done',
      '      if [ "$n" -ge "$2" ]; then seen="$seen $name"',
      '      elif [ "$any" = 1 ]; then short="$short $name"',
      '      else unseen="$unseen $name"; fi',
      '    done',
      '    [ -z "$short$unseen" ] && { say "HAProxy on$seen: $node $3"; return 0; }',
      '    if [ "$(date +%s)" -ge "$deadline" ]; then',
      `      [ -n "$short" ] && { echo "HAProxy on$short did not see $node $3 within ${i.checkerWaitS} s ($2 checks answered $1 needed)" >&2; return 1; }`,
      `      say "HAProxy on$seen: $node $3; note: no health check from$unseen within ${i.checkerWaitS} s (HAProxy not running there?)"`,
      '      return 0',
      '    fi',
      '    sleep 0.2',
      '  done',
      '}',
      `: > ${answers}`,
      `echo "$(( $(date +%s) + ${ttl} )) drain" > ${file}`,
      `wait_seen 503 ${i.fall} 'DOWN (drained)' || exit 1`,
    );
  lines.push(
    `if ! timeout ${i.syncTimeoutS + 60} systemctl restart mariadb; then`,
    '  echo "$node: systemctl restart mariadb failed; the server says:" >&2',
    "  journalctl -u mariadb -n 20 --no-pager -o cat 2>/dev/null | grep -E '\\[(ERROR|Warning)\\]|WSREP|SST' | tail -n 12 >&2",
    '  exit 1',
    'fi',
    `( ${waitSyncedCommand(i.expectedSize, i.syncTimeoutS)}\n) || exit 1`,
  );
  if (i.checkers.length)
    lines.push(
      `: > ${answers}`,
      `echo "$(( $(date +%s) + ${ttl} )) ready" > ${file}`,
      `wait_seen 200 ${i.rise} 'UP again' || exit 1`,
    );
  lines.push(`say "$node restarted, Synced with all ${i.expectedSize}"`);
  return lines.join('\n');
}
