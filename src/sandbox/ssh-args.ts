import type { Sandbox, SandboxNode } from './types.js';

/**
 * OpenSSH client arguments for a sandbox node: the sandbox key only, its known_hosts with strict checking
 * (a wrong host key fails the login). Used by `hakit sandbox ssh` and by tests that log in with `ssh`.
 */
export function sandboxSshArgs(
  sb: Sandbox,
  node: SandboxNode,
  opts: { user?: string; knownHostsPath?: string; batch?: boolean; tty?: boolean } = {},
): string[] {
  return [
    '-i',
    sb.keyPath,
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    `UserKnownHostsFile=${opts.knownHostsPath ?? sb.knownHostsPath}`,
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'LogLevel=ERROR',
    ...(opts.batch ? ['-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5'] : []),
    ...(opts.tty ? ['-t'] : []),
    `${opts.user ?? 'root'}@${node.address}`,
  ];
}
