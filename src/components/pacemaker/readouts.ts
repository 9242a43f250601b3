/**
 * Parsers of the other Pacemaker and host readouts the health checks use: `stonith_admin --list` per node,
 * `crm_verify -L -V`, `ip -o addr show`. Pure.
 */

/** Marker lines of the fencing probe: `@@node NAME` before each node's list, `@@rc N` after it. */
export interface FenceList {
  node: string;
  devices: string[];
  exitCode: number | null;
  /** What stonith_admin printed besides device names (errors). */
  other: string[];
}

/** The probe's output: for each node, `@@node NAME`, stonith_admin --list NAME (2>&1), `@@rc N`. */
export function parseFenceLists(text: string): FenceList[] {
  const out: FenceList[] = [];
  let cur: FenceList | undefined;
  for (const raw of text.split('\n')) {
    const l = raw.replace(/\r$/, '').trim();
    if (!l) continue;
    const node = /^@@node (\S+)$/.exec(l);
    if (node) {
      cur = { node: node[1]!, devices: [], exitCode: null, other: [] };
      out.push(cur);
      continue;
    }
    if (!cur) continue;
    const rc = /^@@rc (\d+)$/.exec(l);
    if (rc) {
      cur.exitCode = Number(rc[1]);
      continue;
    }
    // "1 fence device found", "2 fence devices found", "No fence devices found"
    if (/^(\d+|no) fence devices? found$/i.test(l)) continue;
    if (/^[A-Za-z][A-Za-z0-9_.-]*$/.test(l)) cur.devices.push(l);
    else cur.other.push(l);
  }
  if (out.length === 0)
    throw new Error(
      `stonith_admin printed nothing usable${text.trim() ? `: ${text.trim().split('\n')[0]}` : ''}`,
    );
  return out;
}

export interface VerifyResult {
  exitCode: number | null;
  errors: string[];
  warnings: string[];
  /** Every line printed (errors and warnings in order). */
  lines: string[];
}

/** `crm_verify -L -V 2>&1` and its exit code. Throws when it could not reach the cluster. */
export function parseCrmVerify(text: string, exitCode: number | null): VerifyResult {
  const lines = text
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.trim());
  if (
    lines.some((l) =>
      /Connection to (the )?(cluster|CIB).*failed|cluster is not available|Transport endpoint is not connected/i.test(
        l,
      ),
    )
  )
    throw new Error(`crm_verify could not read the live CIB: ${lines.join(' / ')}`);
  const errors = lines.filter(
    (l) => /(^|\s)(error|crit)[^:]*:/i.test(l) && !/Errors found during check/i.test(l),
  );
  const warnings = lines.filter(
    (l) => /(^|\s)warning[^:]*:/i.test(l) && !/Warnings found during check/i.test(l),
  );
  return { exitCode, errors, warnings, lines };
}

/** IPv4 and IPv6 addresses of `ip -o addr show` (without prefix length), with their interface. */
export function parseIpAddresses(text: string): { address: string; prefix: number; dev: string }[] {
  const out: { address: string; prefix: number; dev: string }[] = [];
  for (const l of text.split('\n')) {
    const m = /^\d+:\s+(\S+)\s+inet6?\s+([0-9a-fA-F:.]+)\/(\d+)/.exec(l.trim());
    if (m) out.push({ dev: m[1]!.replace(/@.*$/, ''), address: m[2]!, prefix: Number(m[3]) });
  }
  if (out.length === 0) throw new Error('ip -o addr show printed no address');
  return out;
}
