/**
 * The one interface through which hakit touches a host. Only the executor uses it; operations and
 * facts are pure and never see a Connector.
 */
export interface ExecOptions {
  /** Bytes written to the command's stdin, then closed. Never logged. */
  stdin?: string | Buffer;
  /** Run through the node's become method (sudo) when the login user is not root. Default: the node's setting. */
  become?: boolean;
  /** Kill the channel after this long; the result then has exitCode null and signal 'TIMEOUT'. */
  timeoutMs?: number;
  /** Extra environment, exported in the shell command (sshd often refuses setenv). */
  env?: Record<string, string>;
  /**
   * Keep the command's stdin open (after `stdin`, if any) until `until` aborts, and report stdout as it comes.
   * For commands that hold something while they run, e.g. a lock released when stdin closes — which also happens
   * when the connection drops. The result resolves when the command exits, as usual.
   */
  hold?: { until: AbortSignal; onStdout?: (text: string) => void };
}

export interface ExecResult {
  exitCode: number | null;
  signal?: string | undefined;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface Connector {
  /** Inventory node name. */
  readonly host: string;
  /** The user commands and file transfers run as before become (SshConnector: the SSH login user). */
  readonly loginUser?: string;
  /**
   * Commands run through a POSIX `sh`: the executor may then send a plan's steps as one script (one round
   * trip) and file bodies on stdin.
   */
  readonly posixShell?: boolean;
  /** Open the connection (idempotent). Throws UnreachableError / HostKeyError. */
  connect(): Promise<void>;
  /** Run one shell command (`sh -c` semantics) on a channel of the shared connection. */
  exec(command: string, opts?: ExecOptions): Promise<ExecResult>;
  /** Upload bytes to `path` (as the login user) over the shared SFTP session. Not atomic by itself. */
  putFile(path: string, data: string | Buffer, mode?: number): Promise<void>;
  /** Read a file over SFTP (as the login user); null when it does not exist. */
  getFile(path: string): Promise<Buffer | null>;
  close(): Promise<void>;
}
