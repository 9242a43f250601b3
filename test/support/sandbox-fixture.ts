import { afterAll, beforeAll } from 'vitest';
import type { SshTarget } from '../../src/connect/index.js';
import { type Sandbox, sandboxDown, sandboxUp } from '../../src/sandbox/index.js';

/** Test sandboxes are named `<prefix><pid>-<n>[-<name>]`, so orphans of killed runs can be found. */
export const TEST_SANDBOX_PREFIX = 't';

let counter = 0;

/** A sandbox name unique to this process and call. `hint` (lower-case letters, digits, dashes) is appended. */
export function uniqueSandboxName(hint?: string): string {
  counter += 1;
  const base = `${TEST_SANDBOX_PREFIX}${process.pid}-${counter}`;
  return hint ? `${base}-${hint}`.slice(0, 40).replace(/-+$/, '') : base;
}

/**
 * Starts a uniquely named sandbox in beforeAll and removes it (containers, network, keys) in afterAll, also
 * when the tests or the start itself fail. Returns a getter valid inside tests and later hooks:
 *
 *   const sandbox = useSandbox({ nodes: 3 });
 *   it('...', async () => { const sb = sandbox(); ... sb.nodes[0].address, sb.keyPath, sb.inventoryPath ... });
 */
export function useSandbox(
  opts: { nodes?: number; name?: string; packageCache?: boolean; fencing?: boolean } = {},
): () => Sandbox {
  const name = uniqueSandboxName(opts.name);
  let sb: Sandbox | undefined;
  beforeAll(async () => {
    sb = await sandboxUp({
      name,
      nodes: opts.nodes ?? 3,
      ...(opts.packageCache === undefined ? {} : { packageCache: opts.packageCache }),
      ...(opts.fencing === undefined ? {} : { fencing: opts.fencing }),
    });
  });
  afterAll(async () => {
    sb = undefined;
    await sandboxDown(name);
  });
  return () => {
    if (!sb) throw new Error(`sandbox '${name}' is not up (useSandbox getter called outside a test?)`);
    return sb;
  };
}

/**
 * An SSH target for a sandbox node as root with the sandbox key and known_hosts (host keys verified), ignoring
 * ssh-agent and ~/.ssh/config so tests do not depend on the machine's own SSH setup.
 */
export function sandboxTarget(
  sb: Sandbox,
  node: { name: string; address: string },
  extra: Partial<SshTarget> = {},
): SshTarget {
  return {
    host: node.name,
    hostname: node.address,
    user: 'root',
    keyFile: sb.keyPath,
    knownHostsFile: sb.knownHostsPath,
    agent: false,
    sshConfigFile: false,
    ...extra,
  };
}
