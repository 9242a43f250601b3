import { spawn } from 'node:child_process';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { withEnv } from './shell.js';
import type { Connector, ExecOptions, ExecResult } from './types.js';

/**
 * Runs commands on THIS machine with `/bin/sh -c` (for tests of other parts; not an SSH target).
 * `become` is ignored: commands run as the current user. Files are read/written directly.
 */
export class LocalConnector implements Connector {
  readonly host: string;
  readonly posixShell = true;
  constructor(host = 'localhost') {
    this.host = host;
  }

  get loginUser(): string {
    return userInfo().username;
  }

  async connect(): Promise<void> {}

  exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const started = performance.now();
    return new Promise<ExecResult>((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', withEnv(command, opts.env)], {
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true, // own process group, so a timeout kills the whole command
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let timedOut = false;
      let timer: NodeJS.Timeout | undefined;
      child.stdout.on('data', (d: Buffer) => {
        out.push(d);
        opts.hold?.onStdout?.(d.toString('utf8'));
      });
      child.stderr.on('data', (d: Buffer) => err.push(d));
      child.stdin.on('error', () => {
        // command exited without reading stdin
      });
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.on('close', (code, sig) => {
        clearTimeout(timer);
        resolve({
          exitCode: timedOut ? null : code,
          signal: timedOut ? 'TIMEOUT' : (sig ?? undefined),
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          durationMs: Math.round(performance.now() - started),
        });
      });
      if (opts.timeoutMs !== undefined && opts.timeoutMs > 0) {
        timer = setTimeout(() => {
          timedOut = true;
          try {
            if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
          } catch {
            child.kill('SIGKILL');
          }
        }, opts.timeoutMs);
      }
      const hold = opts.hold;
      if (!hold) {
        if (opts.stdin !== undefined) child.stdin.end(opts.stdin);
        else child.stdin.end();
        return;
      }
      if (opts.stdin !== undefined) child.stdin.write(opts.stdin);
      if (hold.until.aborted) child.stdin.end();
      else hold.until.addEventListener('abort', () => child.stdin.end(), { once: true });
    });
  }

  async putFile(path: string, data: string | Buffer, mode?: number): Promise<void> {
    await writeFile(path, data, mode !== undefined ? { mode } : {});
    if (mode !== undefined) await chmod(path, mode);
  }

  async getFile(path: string): Promise<Buffer | null> {
    try {
      return await readFile(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async close(): Promise<void> {}
}
