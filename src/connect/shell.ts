/** POSIX shell quoting and the command wrappers (env, sudo) the connectors share. */
import { shq } from '../shell/posix.js';

/** POSIX sh quoting (one word, whatever the input): the same function the operations use. */
export const shellQuote = shq;

/** `export K=V` lines before the command (sshd usually refuses setenv requests). */
export function withEnv(command: string, env?: Record<string, string>): string {
  if (!env) return command;
  const keys = Object.keys(env);
  if (keys.length === 0) return command;
  const lines = keys.map((k) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new TypeError(`invalid environment variable name: ${k}`);
    return `export ${k}=${shellQuote(env[k] ?? '')}`;
  });
  return `${lines.join('\n')}\n${command}`;
}

export interface SudoWrap {
  command: string;
  /** Set when a password will be fed on stdin: the prompt sudo prints and the marker printed once it runs. */
  prompt?: string;
  marker?: string;
}

/**
 * Wrap a command in sudo (to root). Without a password: `sudo -n` (fails instead of waiting for one).
 * With a password: `sudo -S -p PROMPT`, and the inner shell prints MARKER on stderr first, so the caller
 * writes the password only when sudo asks for it and the command's own stdin only once it runs — a cached
 * sudo timestamp or NOPASSWD rule can never make the password leak into the command's stdin.
 * The password itself is never part of the command line.
 */
export function sudoWrap(command: string, opts: { password: boolean; nonce: string }): SudoWrap {
  if (!opts.password) {
    return { command: `sudo -n -H -u root -- /bin/sh -c ${shellQuote(command)}` };
  }
  const prompt = `[hakit-sudo-${opts.nonce}]`;
  const marker = `HAKIT-BECOME-OK-${opts.nonce}`;
  const inner = `echo ${marker} >&2\n${command}`;
  return {
    command: `sudo -S -H -p ${shellQuote(prompt)} -u root -- /bin/sh -c ${shellQuote(inner)}`,
    prompt,
    marker,
  };
}

/**
 * Make the remote side kill the command (its whole process group, with SIGKILL) `graceMs` after the
 * caller's own timeout, with GNU/busybox `timeout` when present. Closing an SSH channel does not stop a
 * command that does not write, and sshd keeps its session slot (MaxSessions) until the command exits;
 * sshd also refuses the `signal` request in some setups (root logins: "requires privilege separation").
 */
export function withRemoteTimeout(command: string, timeoutMs: number, graceMs = 1000): string {
  const secs = ((timeoutMs + graceMs) / 1000).toFixed(3);
  const q = shellQuote(command);
  return (
    `if command -v timeout >/dev/null 2>&1; then exec timeout -s KILL ${secs}s /bin/sh -c ${q}; ` +
    `else exec /bin/sh -c ${q}; fi`
  );
}
