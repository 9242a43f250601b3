import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root and the CLI as users run it (the compiled `bin/hakit.js`). */
export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'bin/hakit.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

let built = false;
/**
 * Builds the CLI as `npm run build` does (tsc, precompiled templates, the bundle bin/hakit.js loads) when the
 * bundle or dist/ is missing or older than src/ (`npm test` builds first, so this is usually a no-op; it keeps
 * `npx vitest run <file>` honest during development).
 */
export function ensureBuilt(): void {
  if (built) return;
  const mtime = (p: string) => {
    try {
      return statSync(join(ROOT, p)).mtimeMs;
    } catch {
      return 0;
    }
  };
  const distTime = Math.min(mtime('dist/src/cli/main.js'), mtime('dist/bundle/main.js'));
  if (distTime < newestMtime(join(ROOT, 'src'))) {
    const run = (args: string[]) => execFileSync(process.execPath, args, { cwd: ROOT, stdio: 'pipe' });
    run([join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json']);
    run([join(ROOT, 'dist/scripts/precompile-templates.js')]);
    run([join(ROOT, 'dist/scripts/bundle.js')]);
  }
  built = true;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `hakit ARGS` synchronously. */
export function hakitSync(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs `hakit ARGS` without blocking the event loop (servers in the same test keep answering). */
export function hakit(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: '1', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', rej);
    child.on('close', (code) => {
      clearTimeout(timer);
      res({ code, stdout, stderr });
    });
  });
}

/**
 * Runs `hakit ARGS` and sends `signal` to it as soon as a line of its stdout satisfies `when` (JSON-lines output
 * makes that an event). Resolves with what it printed and whether the signal was sent; a run that ends before
 * the line appears is returned as it ended (`signalled: false`).
 */
export function hakitUntil(
  args: string[],
  when: (line: string) => boolean,
  signal: NodeJS.Signals,
  opts: { timeoutMs?: number } = {},
): Promise<CliResult & { signalled: boolean }> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let partial = '';
    let signalled = false;
    child.stdout.on('data', (d) => {
      stdout += d;
      partial += d;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      if (!signalled && lines.some(when)) {
        signalled = true;
        child.kill(signal);
      }
    });
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 600_000);
    child.on('error', rej);
    child.on('close', (code) => {
      clearTimeout(timer);
      res({ code, stdout, stderr, signalled });
    });
  });
}
