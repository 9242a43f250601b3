import { execFile } from 'node:child_process';
import { type Sandbox, sandboxSshArgs } from '../../src/sandbox/index.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `command` on a sandbox node with the OpenSSH client, the sandbox key and its known_hosts with
 * StrictHostKeyChecking=yes: a wrong host key fails the login. Bounded by ConnectTimeout and `timeoutMs`.
 */
export function sshCli(
  sb: Sandbox,
  node: string,
  command: string,
  opts: { user?: string; knownHostsPath?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  const n = sb.nodes.find((x) => x.name === node);
  if (!n) throw new Error(`no node ${node} in sandbox ${sb.name}`);
  const args = [
    ...sandboxSshArgs(sb, n, {
      user: opts.user ?? 'root',
      batch: true,
      ...(opts.knownHostsPath ? { knownHostsPath: opts.knownHostsPath } : {}),
    }),
    command,
  ];
  return new Promise((resolve) => {
    execFile('ssh', args, { timeout: opts.timeoutMs ?? 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 255) : 0;
      resolve({ code, stdout: stdout.toString(), stderr: stderr.toString() });
    });
  });
}
