import { createHash, randomBytes } from 'node:crypto';
import type { Connector } from '../../connect/types.js';
import { HakitError, HostKeyError, UnreachableError } from '../../errors/index.js';
import { shq } from '../../shell/posix.js';
import { COROSYNC_AUTHKEY } from './index.js';
import { COROSYNC_MARK } from './ops.js';

/** Bytes of a generated corosync authkey (what corosync-keygen writes). */
export const AUTHKEY_BYTES = 256;
const BEGIN = 'HAKIT-AUTHKEY';

/** What one cluster member holds: a key hakit put there (its corosync.conf is hakit's), or none. */
export type MemberKey =
  | { host: string; state: 'managed'; key: Buffer }
  | { host: string; state: 'none' }
  | { host: string; state: 'unreachable'; why: string };

/**
 * Prints the node's authkey (base64, on stdout: inside the SSH channel only) when its corosync.conf is hakit's,
 * else NONE: a key left by a package or by hand on a host hakit never configured is not adopted.
 */
export function readKeyScript(conf = '/etc/corosync/corosync.conf'): string {
  const mark = shq(COROSYNC_MARK);
  return [
    `k=${shq(COROSYNC_AUTHKEY)}`,
    `if [ -f "$k" ] && head -n 1 ${shq(conf)} 2>/dev/null | grep -qF -- ${mark}; then`,
    `  printf '%s MANAGED\\n' ${BEGIN}; base64 -w 0 "$k" || exit 1; echo`,
    `else printf '%s NONE\\n' ${BEGIN}; fi`,
  ].join('\n');
}

export function parseKeyOutput(host: string, stdout: string): MemberKey {
  const lines = stdout.split('\n');
  const at = lines.findIndex((l) => l.startsWith(`${BEGIN} `));
  const state = at < 0 ? undefined : lines[at]?.slice(BEGIN.length + 1).trim();
  if (state === 'NONE') return { host, state: 'none' };
  const b64 = lines[at + 1]?.trim() ?? '';
  if (state === 'MANAGED' && /^[A-Za-z0-9+/]+=*$/.test(b64))
    return { host, state: 'managed', key: Buffer.from(b64, 'base64') };
  throw new HakitError(`${host}: cannot read ${COROSYNC_AUTHKEY} (unexpected output)`, {
    code: 'E_AUTHKEY',
    exitCode: 4,
  });
}

/** A short, non-secret name for a key in messages: the first 12 hex digits of its SHA-256. */
export function keyFingerprint(key: Buffer): string {
  return `sha256:${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}

/**
 * The cluster's authkey when the inventory has none: the key the members already share (those hakit
 * configured), else — when no member has one and every member answered — new random bytes, put on every node by
 * the corosync step. Refuses, naming nodes and key fingerprints (never the key), when members disagree or when
 * an unreachable member might hold the key.
 */
export function chooseAuthkey(members: readonly MemberKey[], gen = () => randomBytes(AUTHKEY_BYTES)): Buffer {
  const managed = members.filter((m): m is Extract<MemberKey, { state: 'managed' }> => m.state === 'managed');
  if (managed.length) {
    const first = managed[0] as (typeof managed)[number];
    const differ = managed.filter((m) => !m.key.equals(first.key));
    if (differ.length)
      throw new HakitError(
        `the cluster members hold different corosync authkeys (${managed.map((m) => `${m.host} ${keyFingerprint(m.key)}`).join(', ')}); ` +
          'choose one with cluster.authkey in the inventory (file: or env:), nothing was changed',
        { code: 'E_AUTHKEY', exitCode: 4 },
      );
    return first.key;
  }
  const unreachable = members.filter((m) => m.state === 'unreachable');
  if (unreachable.length)
    throw new HakitError(
      `no reachable member holds a corosync authkey and ${unreachable.map((m) => m.host).join(', ')} could not be asked: ` +
        'a new key could split the cluster; reach every member, or set cluster.authkey in the inventory. Nothing was changed',
      { code: 'E_AUTHKEY', exitCode: 3 },
    );
  return gen();
}

/** Asks every member (in parallel, bounded) for the key hakit put there. */
export async function readMemberKeys(conns: readonly Connector[]): Promise<MemberKey[]> {
  const script = readKeyScript();
  return Promise.all(
    conns.map(async (c): Promise<MemberKey> => {
      try {
        await c.connect();
        const r = await c.exec(script, { become: true, timeoutMs: 60_000 });
        if (r.exitCode !== 0)
          throw new HakitError(
            `${c.host}: cannot read ${COROSYNC_AUTHKEY} (exit ${r.exitCode ?? r.signal})${r.stderr.trim() ? `: ${r.stderr.trim()}` : ''}`,
            { code: 'E_AUTHKEY', exitCode: 4 },
          );
        return parseKeyOutput(c.host, r.stdout);
      } catch (err) {
        if (err instanceof UnreachableError || err instanceof HostKeyError)
          return { host: c.host, state: 'unreachable', why: err.message };
        throw err;
      }
    }),
  );
}
