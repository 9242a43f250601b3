import { shq } from '../shell/posix.js';
import type { Fault, FaultBackend, HostExec } from './fault.js';
import { addressesFromIpAddr } from './probes.js';

/** The nft table a partition drill adds on a real host; deleting it is the whole way back. */
export const PARTITION_TABLE = 'hakit_drill_partition';
/** The transient systemd unit that deletes the table after the bound, even if hakit never comes back. */
export const PARTITION_TIMER_UNIT = 'hakit-drill-heal-partition';

/**
 * Cuts the host off `peerAddresses` (both directions; SSH from anywhere stays open so hakit can heal it) with an
 * nft table that removes itself after `boundS` seconds: a transient systemd timer is armed first, then the rules
 * are added, so a lost controller cannot leave the host partitioned.
 */
export function partitionScript(peerAddresses: string[], boundS: number): string {
  const set = peerAddresses.join(', ');
  return [
    'set -e',
    'command -v nft >/dev/null || { echo "nft is not installed (apt-get install nftables)" >&2; exit 3; }',
    `systemctl stop ${shq(`${PARTITION_TIMER_UNIT}.timer`)} 2>/dev/null || true`,
    `systemd-run --unit ${shq(PARTITION_TIMER_UNIT)} --on-active=${Math.max(1, Math.ceil(boundS))}s --timer-property=AccuracySec=1s nft delete table inet ${PARTITION_TABLE}`,
    `nft -f - <<'HAKIT_NFT'`,
    `table inet ${PARTITION_TABLE} {`,
    '  chain input {',
    '    type filter hook input priority -10; policy accept;',
    '    tcp dport 22 accept',
    `    ip saddr { ${set} } drop`,
    '  }',
    '  chain output {',
    '    type filter hook output priority -10; policy accept;',
    '    tcp sport 22 accept',
    `    ip daddr { ${set} } drop`,
    '  }',
    '}',
    'HAKIT_NFT',
  ].join('\n');
}

/** Removes the partition table and its timer; succeeds when neither exists. */
export function unpartitionScript(): string {
  return [
    `nft delete table inet ${PARTITION_TABLE} 2>/dev/null || true`,
    `systemctl stop ${shq(`${PARTITION_TIMER_UNIT}.timer`)} 2>/dev/null || true`,
    `if nft list table inet ${PARTITION_TABLE} >/dev/null 2>&1; then echo "the partition table is still there" >&2; exit 1; fi`,
  ].join('\n');
}

/** A hard reset through sysrq, sent from a transient unit a second later so the SSH command returns first. */
export function hardResetScript(): string {
  return `systemd-run --unit hakit-drill-reset --on-active=1s sh -c 'echo 1 > /proc/sys/kernel/sysrq; echo b > /proc/sysrq-trigger'`;
}

const BOOT_TIMEOUT_MS = 600_000;

/**
 * Faults on real hosts over SSH. A hard reset cannot be undone by hakit: it is destructive. `retryMs`: the pause
 * between two attempts to reach a host that does not answer (default 2 s).
 */
export function sshFaults(exec: HostExec, o: { signal?: AbortSignal; retryMs?: number } = {}): FaultBackend {
  async function run(host: string, script: string, what: string): Promise<void> {
    const r = await exec(host, script, { timeoutMs: 60_000 });
    if (r.exitCode !== 0)
      throw new Error(
        `${host}: ${what} failed (${r.exitCode === null ? 'no answer' : `exit ${r.exitCode}`}): ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' / ')}`,
      );
  }
  async function ensureUp(node: string): Promise<void> {
    const deadline = Date.now() + BOOT_TIMEOUT_MS;
    for (let i = 0; i < 300 && Date.now() < deadline; i++) {
      const r = await exec(node, 'true', { timeoutMs: 10_000 });
      if (r.exitCode === 0) return;
      if (o.signal?.aborted) break;
      await new Promise((res) => setTimeout(res, o.retryMs ?? 2000));
    }
    throw new Error(`${node} did not answer over SSH within ${BOOT_TIMEOUT_MS / 1000} s`);
  }
  return {
    kind: 'ssh',
    crash: (node): Fault => ({
      describe: () => `hard reset of ${node} (sysrq b): hakit cannot undo it, the host must boot by itself`,
      destructive: true,
      inject: () => run(node, hardResetScript(), 'the hard reset'),
      heal: () => ensureUp(node),
    }),
    partition: (node, peers, boundMs): Fault => ({
      describe: () =>
        `${node} cut off ${peers.map((p) => p.name).join(', ')} (nft rules that remove themselves after ${Math.ceil(boundMs / 1000)} s)`,
      destructive: false,
      inject: () =>
        run(
          node,
          partitionScript(
            peers.flatMap((p) => p.addresses),
            boundMs / 1000,
          ),
          'the partition',
        ),
      // Fenced while cut off, the host is off or booting (its operator or IPMI powers it on): the heal waits until
      // SSH answers again (a failed attempt reconnects), then removes the table (gone anyway after a boot).
      heal: async () => {
        await ensureUp(node);
        await run(node, unpartitionScript(), 'removing the partition');
      },
    }),
    ensureUp,
    async addresses(node, timeoutMs) {
      const r = await exec(node, 'ip -o addr show', { timeoutMs });
      return r.exitCode === 0 ? addressesFromIpAddr(r.stdout) : null;
    },
  };
}
