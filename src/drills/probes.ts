import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { type BoundedLoop, boundedLoop } from './loops.js';
import type { HolderSample, ProbeSample, WriteSample } from './measure.js';

/** Bounds shared by every probe loop: one drill never runs them longer than this. */
export const PROBE_MAX_MS = 15 * 60_000;

/** One TCP connect; true when it connected within `timeoutMs`. */
export function tcpConnects(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    const done = (ok: boolean) => {
      clearTimeout(t);
      s.destroy();
      resolve(ok);
    };
    const t = setTimeout(() => done(false), timeoutMs);
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** A client probe: a TCP connect to host:port every `intervalMs` (several in flight while the VIP does not answer). */
export function startTcpProbe(
  host: string,
  port: number,
  o: { intervalMs?: number; timeoutMs?: number; maxMs?: number } = {},
): { samples: ProbeSample[]; loop: BoundedLoop } {
  const samples: ProbeSample[] = [];
  const intervalMs = o.intervalMs ?? 100;
  const maxMs = o.maxMs ?? PROBE_MAX_MS;
  const loop = boundedLoop({
    intervalMs,
    maxMs,
    maxCount: Math.ceil(maxMs / intervalMs),
    concurrent: 20,
    async step() {
      const at = Date.now();
      const ok = await tcpConnects(host, port, o.timeoutMs ?? 1000);
      samples.push({ at, ok });
    },
  });
  return { samples, loop };
}

/** Writes one numbered row; resolves true when the server acknowledged it. */
export type RowWriter = (seq: number) => Promise<boolean>;

/**
 * The SQL writer: numbered rows, one after the other (a new connection each: an application that reconnects,
 * nothing more), at most one every `intervalMs`.
 */
export function startWriter(
  write: RowWriter,
  o: { intervalMs?: number; maxMs?: number } = {},
): { writes: WriteSample[]; loop: BoundedLoop } {
  const writes: WriteSample[] = [];
  const intervalMs = o.intervalMs ?? 100;
  const maxMs = o.maxMs ?? PROBE_MAX_MS;
  let seq = 0;
  const loop = boundedLoop({
    intervalMs,
    maxMs,
    maxCount: Math.ceil(maxMs / intervalMs),
    async step() {
      const n = ++seq;
      const startedAt = Date.now();
      const acked = await write(n).catch(() => false);
      writes.push({ seq: n, startedAt, endedAt: Date.now(), acked });
    },
  });
  return { writes, loop };
}

/** Reads a node's IP addresses; null when the node could not be read. */
export type AddressReader = (node: string) => Promise<string[] | null>;

/** The addresses (IPv4 and IPv6, without prefix length) in `ip -o addr show` output. */
export function addressesFromIpAddr(ipAddrOutput: string): string[] {
  return [...ipAddrOutput.matchAll(/\sinet6?\s+([0-9A-Fa-f.:]+)\//g)].map((m) => m[1] as string);
}

/** Samples which nodes hold the VIP (each node's addresses, read in parallel) every `intervalMs`. */
export function startHolderSampler(
  nodes: string[],
  vip: string,
  read: AddressReader,
  o: { intervalMs?: number; maxMs?: number } = {},
): { samples: HolderSample[]; loop: BoundedLoop } {
  const samples: HolderSample[] = [];
  const intervalMs = o.intervalMs ?? 300;
  const maxMs = o.maxMs ?? PROBE_MAX_MS;
  const loop = boundedLoop({
    intervalMs,
    maxMs,
    maxCount: Math.ceil(maxMs / intervalMs),
    async step() {
      const at = Date.now();
      const outs = await Promise.all(nodes.map(async (n) => [n, await read(n).catch(() => null)] as const));
      samples.push({
        at,
        holders: outs.filter(([, out]) => out?.includes(vip)).map(([n]) => n),
        unread: outs.filter(([, out]) => out === null).map(([n]) => n),
      });
    },
  });
  return { samples, loop };
}

/** Runs the `mariadb` client (Debian's mariadb-client); resolves with its exit code (null: killed at the bound). */
export function runMariadbClient(
  args: string[],
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('mariadb', args, { timeout: timeoutMs, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}
