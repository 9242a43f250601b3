import type Dockerode from 'dockerode';
import { EnvironmentError } from '../errors/index.js';

// The Ryuk reaper image cannot be pulled without a registry; sandboxes clean up after themselves by label.
process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';

let cached: Promise<Dockerode> | undefined;

/** The Docker Engine API client used by testcontainers (dockerode), or EnvironmentError without an engine. */
export function docker(): Promise<Dockerode> {
  cached ??= (async () => {
    const { getContainerRuntimeClient } = await import('testcontainers');
    try {
      const client = await getContainerRuntimeClient();
      return client.container.dockerode;
    } catch (err) {
      cached = undefined;
      throw new EnvironmentError(
        `no Docker engine answers (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); ` +
          'run scripts/ensure-docker.sh (as root on Debian it installs and starts one)',
      );
    }
  })();
  return cached;
}

export interface DockerExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs a command in a running container (no TTY) and collects its output. */
export async function dockerExec(
  container: Dockerode.Container,
  cmd: string[],
  opts: { stdin?: string } = {},
): Promise<DockerExecResult> {
  const d = await docker();
  const exec = await container.exec({
    Cmd: cmd,
    AttachStdout: true,
    AttachStderr: true,
    AttachStdin: opts.stdin !== undefined,
  });
  const stream = await exec.start({ hijack: true, stdin: opts.stdin !== undefined });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const { PassThrough } = await import('node:stream');
  const so = new PassThrough();
  const se = new PassThrough();
  so.on('data', (b: Buffer) => out.push(b));
  se.on('data', (b: Buffer) => err.push(b));
  d.modem.demuxStream(stream, so, se);
  if (opts.stdin !== undefined) stream.end(opts.stdin);
  await new Promise<void>((resolve, reject) => {
    stream.on('end', () => resolve());
    stream.on('close', () => resolve());
    stream.on('error', reject);
  });
  const info = await exec.inspect();
  return {
    exitCode: info.ExitCode ?? -1,
    stdout: Buffer.concat(out).toString('utf8'),
    stderr: Buffer.concat(err).toString('utf8'),
  };
}

/** True when Docker answered 404 for the object. */
export function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { statusCode?: number }).statusCode === 404;
}

/** Waits `ms`, or rejects early with the signal's reason. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(abortError(signal!));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function abortError(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  if (r instanceof Error) return r;
  const e = new Error('sandbox operation aborted');
  e.name = 'AbortError';
  return e;
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw abortError(signal);
}
