import { isIPv6 } from 'node:net';
import { findBinary, type ProcResult, runProcess } from './exec.js';

/**
 * A node's network, recreated for one validator run: a private network namespace (nothing in it can reach any
 * network) whose loopback carries the node's addresses, plus veth interfaces with the names the file uses.
 * Some validators only fully check on the node itself: corosync looks up its own name by address, drbdadm
 * and keepalived look for their addresses and interfaces. No kernel module is needed (lo + veth).
 */
export interface NodeNetwork {
  addresses: string[];
  interfaces: string[];
  /** Mount a private tmpfs on /etc/corosync holding a throwaway authkey (corosync -t reads the key). */
  corosyncKey?: boolean;
}

/** Exit code of the setup script when building the namespace failed (the validator did not run). */
export const SETUP_FAILED = 97;

export interface Isolation {
  unshare: string;
  ip: string;
  /** Extra unshare flags (user namespace when not root). */
  flags: string[];
}

const cache = new Map<string, Promise<Isolation | null>>();

/** Whether private namespaces can be created here (root, or unprivileged user namespaces). Probed once. */
export function probeIsolation(searchPath: string): Promise<Isolation | null> {
  let p = cache.get(searchPath);
  if (!p) {
    p = (async () => {
      const unshare = findBinary('unshare', searchPath);
      const ip = findBinary('ip', searchPath);
      if (!unshare || !ip) return null;
      const flags = process.getuid?.() === 0 ? [] : ['--user', '--map-root-user'];
      const r = await runProcess([unshare, ...flags, '--net', '--mount', ip, 'link', 'set', 'lo', 'up'], {
        timeoutMs: 10_000,
      });
      return r.exitCode === 0 ? { unshare, ip, flags } : null;
    })();
    cache.set(searchPath, p);
  }
  return p;
}

function q(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The command line that runs `argv` inside a namespace shaped like the node's network. */
export function isolatedArgv(iso: Isolation, net: NodeNetwork, argv: string[]): string[] {
  const ip = q(iso.ip);
  const fail = `|| exit ${SETUP_FAILED}`;
  const lines = [`${ip} link set lo up ${fail}`];
  net.interfaces.forEach((name, i) => {
    lines.push(`${ip} link add ${q(name)} type veth peer name hkv${i} ${fail}`);
    lines.push(`${ip} link set ${q(name)} up ${fail}`);
  });
  for (const a of [...new Set(net.addresses)])
    lines.push(`${ip} addr add ${q(`${a}/${isIPv6(a) ? 128 : 32}`)} dev lo ${fail}`);
  if (net.corosyncKey) {
    lines.push(`mount -t tmpfs -o size=64k,mode=0700 hakit-validate /etc/corosync ${fail}`);
    lines.push(`head -c 256 /dev/urandom > /etc/corosync/authkey ${fail}`);
    lines.push(`chmod 0400 /etc/corosync/authkey ${fail}`);
  }
  lines.push('exec "$@"');
  return [
    iso.unshare,
    ...iso.flags,
    '--net',
    '--mount',
    'sh',
    '-c',
    lines.join('\n'),
    'hakit-validate',
    ...argv,
  ];
}

export interface RunResult extends ProcResult {
  /** The namespace could not be built (the validator did not run); stderr says why. */
  setupFailed: boolean;
}

export async function runIsolated(
  iso: Isolation,
  net: NodeNetwork,
  argv: string[],
  opts: { env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<RunResult> {
  const r = await runProcess(isolatedArgv(iso, net, argv), opts);
  return { ...r, setupFailed: r.exitCode === SETUP_FAILED };
}

/** Describes a network for `detail`. */
export function describeNetwork(net: NodeNetwork): string {
  const addrs = [...new Set(net.addresses)];
  const parts = [
    addrs.length ? `network namespace with ${addrs.join(', ')} on lo` : 'empty network namespace',
  ];
  if (net.interfaces.length) parts.push(`interface ${net.interfaces.join(', ')}`);
  if (net.corosyncKey) parts.push('a throwaway authkey');
  return parts.join(', ');
}
