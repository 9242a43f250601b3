import ssh2 from 'ssh2';
import { sleep } from './docker.js';

export interface ProbeTarget {
  address: string;
  /** Raw host key blob the server must present. */
  hostKey: Buffer;
  privateKey: string;
  username?: string;
}

/** One SSH login that runs `command`; resolves its stdout. Verifies the host key; bounded by `timeoutMs`. */
export function sshRun(target: ProbeTarget, command: string, timeoutMs = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const conn = new ssh2.Client();
    let out = '';
    let settled = false;
    const finish = (err: Error | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      conn.end();
      if (err) reject(err);
      else resolve(out);
    };
    const timer = setTimeout(() => finish(new Error(`ssh ${target.address}: timed out`)), timeoutMs);
    conn.on('ready', () => {
      conn.exec(command, (err, stream) => {
        if (err) return finish(err);
        stream.on('data', (b: Buffer) => {
          out += b.toString('utf8');
        });
        stream.stderr.on('data', () => {});
        stream.on('close', (code: number | null) =>
          finish(code === 0 ? null : new Error(`ssh ${target.address}: '${command}' exited ${code}`)),
        );
      });
    });
    conn.on('error', (err) => finish(err));
    conn.connect({
      host: target.address,
      port: 22,
      username: target.username ?? 'root',
      privateKey: target.privateKey,
      readyTimeout: timeoutMs,
      hostVerifier: (key: Buffer) => key.equals(target.hostKey),
    });
  });
}

/** Retries an SSH login (bounded in attempts and time) until `command` succeeds. */
export async function waitForSsh(
  target: ProbeTarget,
  opts: { command?: string; timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<string> {
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  let lastErr: unknown;
  for (let attempt = 0; attempt < 300 && Date.now() < deadline; attempt++) {
    try {
      return await sshRun(
        target,
        opts.command ?? 'true',
        Math.min(15_000, Math.max(1000, deadline - Date.now())),
      );
    } catch (err) {
      lastErr = err;
      await sleep(500, opts.signal);
    }
  }
  throw new Error(
    `ssh ${target.address}: not reachable: ${lastErr instanceof Error ? lastErr.message : String(lastErr)}`,
  );
}
