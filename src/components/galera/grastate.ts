/**
 * Galera's saved state (`grastate.dat`) and the position `mariadbd --wsrep-recover` prints: pure parsers.
 *
 * grastate.dat, as Galera 4 writes it (codership/galera, galera/src/saved_state.cpp, `SavedState::write_file`):
 *
 *     # GALERA saved state
 *     version: 2.1
 *     uuid:    6b7c7d3e-2f1a-11ef-9a0b-0242ac120002
 *     seqno:   1234
 *     safe_to_bootstrap: 1
 *
 * - The file is rewritten IN PLACE (rewind + fwrite, no truncate): when the new text is shorter than the old one
 *   the rest is overwritten with spaces, so blanks may follow the last newline. A crash during the write, or
 *   before the first one (the file is opened with "a"), leaves an empty or partial file.
 * - Galera's own reader skips `#` lines, reads `keyword: value` lines and ignores the rest (old 2.0 files carry a
 *   `cert_index:` line). A missing `safe_to_bootstrap` line reads as 1 there (`safe_to_bootstrap_(true)`).
 * - `seqno: -1` (WSREP_SEQNO_UNDEFINED) while the server runs or after a crash: the position is then only in
 *   InnoDB, and `--wsrep-recover` reads it. Around state transfers and on corruption Galera writes the all-zero
 *   uuid with seqno -1 (`mark_unsafe`, `mark_corrupt`); a node that never joined a cluster has it too.
 * - Galera sets safe_to_bootstrap: 1 on the last node to leave a cluster cleanly; the ClusterLabs agent
 *   (heartbeat/galera.in, `detect_safe_to_bootstrap`) ignores the flag when the seqno is -1.
 */

/** The uuid of no cluster (WSREP_UUID_UNDEFINED as Galera prints it). */
export const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** seqno -1 printed as an unsigned 64-bit number (the ClusterLabs agent maps wsrep_last_committed's so). */
const UNSIGNED_MINUS_ONE = '18446744073709551615';

export interface Grastate {
  /** `version:` value (2.1 for Galera 3.19+ and 4), null when the line is missing. */
  version: string | null;
  /** Cluster state uuid, lower-cased; null when missing or not a uuid. May be ZERO_UUID (see `hasClusterUuid`). */
  uuid: string | null;
  /** Last committed seqno; -1 when unknown (running, crashed); null when the line is missing or malformed. */
  seqno: number | null;
  /** The `safe_to_bootstrap:` flag; null when the line is missing or malformed. */
  safeToBootstrap: boolean | null;
  /** What is missing or malformed, in words (empty for a complete file). */
  problems: string[];
}

/** A uuid that names a cluster: well-formed and not the all-zero one. */
export function hasClusterUuid(uuid: string | null): uuid is string {
  return uuid !== null && uuid !== ZERO_UUID;
}

/** A seqno as Galera and MariaDB print it (`-1`, `1234`, or -1 as unsigned); null when it is not one. */
export function parseSeqno(text: string): number | null {
  const t = text.trim();
  if (t === UNSIGNED_MINUS_ONE) return -1;
  if (!/^-?\d+$/.test(t)) return null;
  const n = Number(t);
  return Number.isSafeInteger(n) && n >= -1 ? n : null;
}

/**
 * Parses grastate.dat. `null` content (the file is absent: a node that never ran Galera, or whose state was
 * removed to force a full SST) gives `null`. Anything else gives a Grastate, with `problems` for an empty or
 * partial file, a uuid or seqno that does not parse, or an unknown version — never an exception: a crash
 * while Galera wrote the file must not stop the reading of the other members.
 */
export function parseGrastate(content: string | null): Grastate | null {
  if (content === null) return null;
  const g: Grastate = { version: null, uuid: null, seqno: null, safeToBootstrap: null, problems: [] };
  if (content.trim() === '') {
    g.problems.push('empty file (a crash while Galera wrote it?)');
    return g;
  }
  const seen = new Set<string>();
  for (const raw of content.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-z_]+):\s*(.*)$/.exec(line);
    if (!m) continue; // Galera ignores such lines too (padding spaces are trimmed away above)
    const key = m[1]!;
    const value = m[2]!;
    if (seen.has(key)) g.problems.push(`${key}: given twice, the last one counts`);
    seen.add(key);
    if (key === 'version') g.version = value;
    else if (key === 'uuid') {
      g.uuid = UUID.test(value) ? value.toLowerCase() : null;
      if (g.uuid === null) g.problems.push(`uuid: ${JSON.stringify(value)} is not a uuid`);
    } else if (key === 'seqno') {
      g.seqno = parseSeqno(value);
      if (g.seqno === null) g.problems.push(`seqno: ${JSON.stringify(value)} is not a seqno`);
    } else if (key === 'safe_to_bootstrap') {
      g.safeToBootstrap = value === '1' ? true : value === '0' ? false : null;
      if (g.safeToBootstrap === null)
        g.problems.push(`safe_to_bootstrap: ${JSON.stringify(value)} is neither 0 nor 1`);
    }
  }
  for (const key of ['uuid', 'seqno', 'safe_to_bootstrap'])
    if (!seen.has(key)) g.problems.push(`no ${key} line (partial file: a crash while Galera wrote it?)`);
  if (g.version !== null && g.version !== '2.1' && g.version !== '2.0')
    g.problems.push(`version ${g.version} (expected 2.1)`);
  return g;
}

/** `uuid 6b7c…, seqno 1234, safe_to_bootstrap 1` — for messages (the full uuid: operators compare them). */
export function describeGrastate(g: Grastate | null): string {
  if (g === null) return 'no grastate.dat';
  const parts = [
    `uuid ${g.uuid === null ? '?' : g.uuid === ZERO_UUID ? `${ZERO_UUID} (none)` : g.uuid}`,
    `seqno ${g.seqno ?? '?'}`,
    `safe_to_bootstrap ${g.safeToBootstrap === null ? '?' : g.safeToBootstrap ? 1 : 0}`,
  ];
  return `grastate.dat: ${parts.join(', ')}${g.problems.length ? ` (${g.problems.join('; ')})` : ''}`;
}

/** What `mariadbd --wsrep-recover` reported. */
export type WsrepRecovery =
  /** A position was recovered from InnoDB; `uuid` may be ZERO_UUID and `seqno` -1 (no replicated commit). */
  | { kind: 'recovered'; uuid: string; seqno: number }
  /** The server was not configured with wsrep on: it printed "…skipping position recovery" and nothing else. */
  | { kind: 'skipped'; line: string }
  /** No position: the server failed (exit code, [ERROR] lines) or printed none. */
  | { kind: 'failed'; reason: string; preparedTransactions: boolean };

/**
 * The position line, as MariaDB 10.4+ logs it (sql/wsrep_mysqld.cc, `wsrep_recover`:
 * `WSREP_LOG(SYSTEM_LEVEL, "Recovered position: %s", …)`, the gtid printed by wsrep-lib as `uuid:seqno`):
 *
 *     2024-03-12 10:15:02 0 [Note] WSREP: Recovered position: 6b7c7d3e-2f1a-11ef-9a0b-0242ac120002:1234
 *
 * Older servers print `WSREP_INFO("Recovered position: %s:%lld", …)`, the same text; the wrappers
 * (galera_recovery, mysqld_safe) repeat it without the colon (`WSREP: Recovered position <uuid>:<seqno>`).
 * The ClusterLabs agent matches `WSREP:\s*[R|r]ecovered\s*position.*:(.*)` and keeps the LAST such line
 * (`| tail -1`); MariaDB's scripts/galera_recovery.sh greps `WSREP: Recovered position:`.
 */
const POSITION = /WSREP:\s*[Rr]ecovered\s+position:?\s*([0-9A-Fa-f-]{36}):(-?\d+)\s*$/;

/**
 * "Found N prepared transactions!": a crash in the middle of a two-phase commit; the ClusterLabs agent then
 * reruns the recovery with `--tc-heuristic-recover=rollback` and forces an SST of that node.
 */
const PREPARED = /\[ERROR\]\s+Found\s+\d+\s+prepared\s+transactions!/;

/** Strips the `2024-03-12 10:15:02 0 ` prefix of a MariaDB error-log line. */
const logText = (line: string) => line.replace(/^\d{4}-\d\d-\d\d\s+\d\d:\d\d:\d\d\s+\d+\s+/, '').trim();

/**
 * Parses the output (stderr or the error log: run it with `--disable-log-error` or `--log-error=<file>` as
 * galera_recovery.sh and the ClusterLabs agent do) of `mariadbd --wsrep-recover` and its exit code. The server
 * exits 0 after printing the position (`unireg_abort(0)`); a non-zero exit is a failure even if a position was
 * printed first. "skipping position recovery" (wsrep off, or a start position given) is what
 * galera_recovery.sh treats as "skipped".
 */
export function parseWsrepRecover(output: string, exitCode = 0): WsrepRecovery {
  const lines = output.split('\n').map((l) => l.replace(/\r$/, ''));
  const errors = lines.filter((l) => /\[ERROR\]/.test(l)).map((l) => logText(l).replace(/^\[ERROR\]\s*/, ''));
  const preparedTransactions = lines.some((l) => PREPARED.test(l));
  const failed = (why: string): WsrepRecovery => ({
    kind: 'failed',
    reason: errors.length ? `${why}: ${errors.slice(0, 3).join(' | ')}` : why,
    preparedTransactions,
  });
  if (exitCode !== 0) return failed(`mariadbd --wsrep-recover exited with ${exitCode}`);
  let found: { uuid: string; seqno: number } | null = null;
  for (const l of lines) {
    const m = POSITION.exec(l);
    const seqno = m ? parseSeqno(m[2] as string) : null;
    if (m && UUID.test(m[1] as string) && seqno !== null)
      found = { uuid: (m[1] as string).toLowerCase(), seqno };
  }
  if (found) return { kind: 'recovered', ...found };
  const skipped = lines.find((l) => /WSREP/.test(l) && /skipping position recovery/.test(l));
  if (skipped) return { kind: 'skipped', line: logText(skipped) };
  return failed('no "WSREP: Recovered position" line in the output');
}

/** `recovered 6b7c…:1234` / `recovery skipped: …` / `recovery failed: …` — for messages. */
export function describeRecovery(r: WsrepRecovery): string {
  if (r.kind === 'recovered') return `--wsrep-recover: ${r.uuid}:${r.seqno}`;
  if (r.kind === 'skipped') return `--wsrep-recover skipped (${r.line})`;
  return `--wsrep-recover failed (${r.reason})${r.preparedTransactions ? ' [prepared transactions]' : ''}`;
}
