import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkSandboxName, DEFAULT_SANDBOX, sandboxDir } from './names.js';
import type { Sandbox } from './types.js';

export const STATE_FILE = 'sandbox.json';

export function sandboxPaths(dir: string) {
  return {
    keyPath: join(dir, 'id_ed25519'),
    knownHostsPath: join(dir, 'known_hosts'),
    inventoryPath: join(dir, 'inventory.yaml'),
    statePath: join(dir, STATE_FILE),
  };
}

export async function writeState(sb: Sandbox): Promise<void> {
  const { statePath } = sandboxPaths(sb.dir);
  const tmp = `${statePath}.tmp`;
  await writeFile(tmp, `${JSON.stringify(sb, null, 2)}\n`);
  const { rename } = await import('node:fs/promises');
  await rename(tmp, statePath);
}

/** The sandbox `up` recorded in `<cwd>/.hakit/sandbox/<name>/sandbox.json`, or null when there is none. */
export async function loadSandbox(
  name: string = DEFAULT_SANDBOX,
  opts: { cwd?: string } = {},
): Promise<Sandbox | null> {
  return loadSandboxAt(sandboxDir(checkSandboxName(name), opts.cwd));
}

function pick(p: ReturnType<typeof sandboxPaths>) {
  return { keyPath: p.keyPath, knownHostsPath: p.knownHostsPath, inventoryPath: p.inventoryPath };
}

/** The sandbox whose state dir is `dir` (where its inventory.yaml lives), or null when `dir` holds none. */
export async function loadSandboxAt(dir: string): Promise<Sandbox | null> {
  let text: string;
  try {
    text = await readFile(sandboxPaths(dir).statePath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const sb = JSON.parse(text) as Sandbox;
  // The state dir may have moved with its checkout: paths follow the directory actually read.
  return { ...sb, dir, ...pick(sandboxPaths(dir)) };
}
