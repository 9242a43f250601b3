import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Duplex } from 'node:stream';
import type {
  AnyAuthMethod,
  AuthenticationType,
  ClientChannel,
  ConnectConfig,
  NextAuthHandler,
  SFTPWrapper,
  Client as SshClient,
} from 'ssh2';
import ssh2 from 'ssh2';
import { HakitError, HostKeyError, UnreachableError } from '../errors/index.js';
import { withRetries } from './backoff.js';
import {
  checkHostKey,
  fingerprintSha256,
  formatKnownHostsLine,
  hostKeyAlgorithmsFor,
  type KnownHostEntry,
  keyTypeOf,
  knownHostsName,
  parseKnownHosts,
} from './known-hosts.js';
import { Semaphore } from './semaphore.js';
import { type SudoWrap, sudoWrap, withEnv, withRemoteTimeout } from './shell.js';
import { type ResolvedTarget, resolveTarget, type SshTarget } from './target.js';
import type { Connector, ExecOptions, ExecResult } from './types.js';

const { Client, utils } = ssh2;

/** Counters for tests and benchmarks. */
export interface SshConnectorStats {
  /** Successful connections (1 for a healthy run). */
  connects: number;
  /** Connection attempts, including failed ones. */
  attempts: number;
  execChannels: number;
  /** Most exec channels open at once (confirmed by the server). */
  peakExecChannels: number;
  /** Channel opens the server refused while others were open (limit then lowered). */
  channelOpenRefusals: number;
  sftpSessions: number;
}

/** A connection failure worth retrying (network), as opposed to auth / host key failures. */
class TransientConnectError extends HakitError {
  constructor(message: string) {
    super(message, { code: 'E_CONNECT_RETRY', exitCode: 3 });
  }
}
class AuthFailure extends HakitError {
  constructor(message: string) {
    super(message, { code: 'E_AUTH', exitCode: 3 });
  }
}

const NET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

/**
 * The SSH connector: one ssh2 connection per host for the whole run, commands as channels over it
 * (at most maxChannels-1 at once), one reused SFTP session. Host keys are verified (known_hosts or
 * pinned fingerprints) before any credential is sent.
 *
 * putFile/getFile run as the LOGIN user over SFTP. To write a root-owned file with become, the executor
 * uploads to a temp path the login user may write (e.g. `mktemp` in /tmp), then moves it into place with
 * `exec('install -m MODE -o OWNER TMP DEST && rm -f TMP', { become: true })` (or mv for an atomic rename).
 */
export class SshConnector implements Connector {
  readonly host: string;
  readonly posixShell = true;
  readonly target: ResolvedTarget;
  readonly stats: SshConnectorStats = {
    connects: 0,
    attempts: 0,
    execChannels: 0,
    peakExecChannels: 0,
    channelOpenRefusals: 0,
    sftpSessions: 0,
  };
  private client: SshClient | undefined;
  private connecting: Promise<SshClient> | undefined;
  private sftpSession: Promise<SFTPWrapper> | undefined;
  private readonly sem: Semaphore;
  private readonly jumpConn: SshConnector | undefined;
  private readonly ownsJump: boolean;
  /** Abort callbacks of in-flight execs, called when the connection drops. */
  private readonly inflight = new Set<(err: Error) => void>();
  /** Exec channels the server confirmed and has not closed yet. */
  private openExecChannels = 0;

  constructor(target: SshTarget, opts: { jump?: SshConnector } = {}) {
    this.target = resolveTarget(target);
    this.host = target.host;
    this.sem = new Semaphore(this.target.maxChannels - 1);
    if (opts.jump) {
      this.jumpConn = opts.jump;
      this.ownsJump = false;
    } else {
      this.jumpConn = this.target.jump ? new SshConnector(this.target.jump) : undefined;
      this.ownsJump = this.jumpConn !== undefined;
    }
  }

  /** The user SSH logs in as (after ~/.ssh/config). putFile/getFile act as this user. */
  get loginUser(): string {
    return this.target.user;
  }

  /** Would `exec(cmd, { become: true })` go through sudo? (false when logging in as root). */
  get becomeUsesSudo(): boolean {
    return this.target.user !== 'root';
  }

  /** Current exec channel limit (lowered if the server refused channels). */
  get channelLimit(): number {
    return this.sem.limit;
  }

  async connect(): Promise<void> {
    await this.getClient();
  }

  private getClient(): Promise<SshClient> {
    if (this.client) return Promise.resolve(this.client);
    if (!this.connecting) {
      this.connecting = this.connectWithRetries().then(
        (c) => {
          this.client = c;
          this.connecting = undefined;
          return c;
        },
        (e: unknown) => {
          this.connecting = undefined;
          throw e;
        },
      );
    }
    return this.connecting;
  }

  private async connectWithRetries(): Promise<SshClient> {
    const t = this.target;
    let attempts = 0;
    try {
      return await withRetries(
        () => {
          attempts++;
          return this.connectOnce();
        },
        {
          retries: t.retries,
          baseMs: t.retryDelayMs,
          retryable: (e) => e instanceof TransientConnectError,
        },
      );
    } catch (err) {
      if (err instanceof HostKeyError || err instanceof UnreachableError) throw err;
      const where = `${t.user}@${t.hostname}:${t.port}`;
      if (err instanceof AuthFailure) throw new UnreachableError(this.host, `${where}: ${err.message}`);
      const msg = err instanceof Error ? err.message : String(err);
      const tries = attempts > 1 ? ` (${attempts} attempts)` : '';
      throw new UnreachableError(this.host, `${where}: ${msg}${tries}`, err);
    }
  }

  /** Open a TCP stream to hostname:port through this connection (used for jump hosts). */
  async forwardOut(hostname: string, port: number): Promise<Duplex> {
    const client = await this.getClient();
    return await new Promise<Duplex>((resolve, reject) => {
      client.forwardOut('127.0.0.1', 0, hostname, port, (err, stream) => {
        if (err) reject(new TransientConnectError(`via jump host ${this.host}: ${err.message}`));
        else resolve(stream);
      });
    });
  }

  private async readKnownHosts(): Promise<KnownHostEntry[]> {
    try {
      return parseKnownHosts(await readFile(this.target.knownHostsFile, 'utf8'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  }

  /** Decide on a presented host key; throws HostKeyError, or records the key (acceptNewHostKeys). */
  private async verifyHostKey(key: Buffer, known: KnownHostEntry[]): Promise<void> {
    const t = this.target;
    const name = knownHostsName(t.hostname, t.port);
    const presented = `${fingerprintSha256(key)} (${keyTypeOf(key)})`;
    if (t.pinnedFingerprints) {
      const fp = fingerprintSha256(key);
      if (t.pinnedFingerprints.some((p) => p.replace(/=+$/, '') === fp)) return;
      throw new HostKeyError(
        this.host,
        `host key mismatch for ${name}: expected ${t.pinnedFingerprints.join(' or ')} (pinned in inventory), ` +
          `presented ${presented}; refusing to connect`,
      );
    }
    const file = t.knownHostsFile;
    let check = checkHostKey(known, name, key);
    if (check.status === 'unknown' && t.acceptNewHostKeys) {
      // Re-read right before appending: another connection may have recorded it meanwhile.
      check = checkHostKey(await this.readKnownHosts(), name, key);
      if (check.status === 'unknown') {
        await mkdir(dirname(file), { recursive: true, mode: 0o700 });
        let prefix = '';
        try {
          const st = await stat(file);
          if (st.size > 0) {
            const text = await readFile(file, 'utf8');
            if (!text.endsWith('\n')) prefix = '\n';
          }
        } catch {
          // new file
        }
        await appendFile(file, `${prefix}${formatKnownHostsLine(name, key)}\n`, { mode: 0o600 });
        return;
      }
    }
    switch (check.status) {
      case 'match':
        return;
      case 'revoked':
        throw new HostKeyError(
          this.host,
          `host key ${presented} for ${name} is marked @revoked in ${file}:${check.entry.line}; refusing to connect`,
        );
      case 'changed': {
        const expected = check.expected
          .map((e) => `${fingerprintSha256(e.key)} (${e.keyType}, ${file}:${e.line})`)
          .join(', ');
        throw new HostKeyError(
          this.host,
          `HOST KEY CHANGED for ${name}: expected ${expected}, presented ${presented}. ` +
            `Someone may be intercepting the connection, or the host was reinstalled ` +
            `(then remove the old key: ssh-keygen -R '${name}' -f ${file}). Not retried.`,
        );
      }
      case 'unknown':
        throw new HostKeyError(
          this.host,
          `unknown host key for ${name}: ${presented} is not in ${file}; verify it and add it to known_hosts, ` +
            `pin its fingerprint in the inventory, or allow trust on first use (acceptNewHostKeys)`,
        );
    }
  }

  private async buildAuth(): Promise<{ methods: AnyAuthMethod[]; tried: string[]; notes: string[] }> {
    const t = this.target;
    const methods: AnyAuthMethod[] = [];
    const tried: string[] = [];
    const notes: string[] = [];
    for (const file of t.keyFiles) {
      let data: Buffer;
      try {
        data = await readFile(file);
      } catch (e) {
        notes.push(`key ${file}: ${(e as NodeJS.ErrnoException).code ?? 'unreadable'}`);
        continue;
      }
      const parsed = utils.parseKey(data, t.passphrase);
      if (parsed instanceof Error) {
        const enc = /encrypt|passphrase|decrypt|bad decrypt/i.test(parsed.message);
        notes.push(
          enc
            ? `key ${file}: ${t.passphrase === undefined ? 'encrypted, no passphrase given' : 'wrong passphrase'}`
            : `key ${file}: cannot parse`,
        );
        continue;
      }
      const m: AnyAuthMethod = { type: 'publickey', username: t.user, key: data };
      if (t.passphrase !== undefined) m.passphrase = t.passphrase;
      methods.push(m);
      tried.push(`publickey ${file}`);
    }
    if (t.agent) {
      methods.push({ type: 'agent', username: t.user, agent: t.agent });
      tried.push('agent');
    }
    if (t.password !== undefined) {
      const password = t.password;
      methods.push({ type: 'password', username: t.user, password });
      methods.push({
        type: 'keyboard-interactive',
        username: t.user,
        prompt: (_n, _i, _l, prompts, finish) => finish(prompts.map(() => password)),
      });
      tried.push('password');
    }
    return { methods, tried, notes };
  }

  private async connectOnce(): Promise<SshClient> {
    this.stats.attempts++;
    const t = this.target;
    const known = t.pinnedFingerprints ? [] : await this.readKnownHosts();
    const name = knownHostsName(t.hostname, t.port);
    const auth = await this.buildAuth();
    if (auth.methods.length === 0) {
      throw new AuthFailure(
        `no authentication method available (no usable key file, agent or password)` +
          (auth.notes.length ? `: ${auth.notes.join('; ')}` : ''),
      );
    }
    const sock = this.jumpConn ? await this.jumpConn.forwardOut(t.hostname, t.port) : undefined;
    const client = new Client();
    let hostKeyError: HostKeyError | undefined;
    let i = 0;
    const authHandler = (
      authsLeft: AuthenticationType[] | null,
      _partial: boolean,
      next: NextAuthHandler,
    ) => {
      while (i < auth.methods.length) {
        const m = auth.methods[i++]!;
        const wire = m.type === 'agent' ? 'publickey' : m.type;
        if (!authsLeft || authsLeft.includes(wire)) return next(m);
      }
      (next as unknown as (v: false) => void)(false);
    };
    const cfg: ConnectConfig = {
      host: t.hostname,
      port: t.port,
      username: t.user,
      readyTimeout: t.connectTimeoutMs,
      keepaliveInterval: t.keepaliveIntervalMs,
      keepaliveCountMax: 3,
      authHandler: authHandler as ConnectConfig['authHandler'],
      hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
        this.verifyHostKey(key, known).then(
          () => verify(true),
          (e: unknown) => {
            hostKeyError =
              e instanceof HostKeyError
                ? e
                : new HostKeyError(this.host, `cannot record host key: ${(e as Error).message}`);
            verify(false);
          },
        );
      },
    };
    const algos = t.pinnedFingerprints ? undefined : hostKeyAlgorithmsFor(known, name);
    if (algos) cfg.algorithms = { serverHostKey: algos as never };
    if (sock) cfg.sock = sock;

    return await new Promise<SshClient>((resolve, reject) => {
      let settled = false;
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        client.end();
        sock?.destroy();
        reject(err);
      };
      client.on('ready', () => {
        if (settled) return;
        settled = true;
        this.stats.connects++;
        client.setNoDelay(true);
        client.on('close', () => this.onClientClosed(client));
        resolve(client);
      });
      client.on('error', (err: Error & { level?: string; code?: string }) => {
        if (settled) return; // after ready: the 'close' that follows is handled by onClientClosed
        if (hostKeyError) return fail(hostKeyError);
        if (err.level === 'client-authentication') {
          const notes = auth.notes.length ? `; ${auth.notes.join('; ')}` : '';
          return fail(new AuthFailure(`authentication failed (tried: ${auth.tried.join(', ')})${notes}`));
        }
        if (err.level === 'client-timeout') {
          return fail(
            new TransientConnectError(`timed out after ${t.connectTimeoutMs} ms (connect/handshake)`),
          );
        }
        const transient =
          err.level === 'client-socket' ||
          err.level === 'client-dns' ||
          (err.code !== undefined && NET_CODES.has(err.code)) ||
          /lost before handshake|ECONNRESET|socket hang up/i.test(err.message);
        fail(transient ? new TransientConnectError(err.message) : new Error(err.message));
      });
      client.on('close', () => {
        if (hostKeyError) return fail(hostKeyError);
        fail(new TransientConnectError('connection closed during handshake'));
      });
      try {
        client.connect(cfg);
      } catch (e) {
        fail(e instanceof Error ? e : new Error(String(e)));
      }
    });
  }

  private onClientClosed(client: SshClient): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.sftpSession = undefined;
    const err = new UnreachableError(this.host, 'connection lost');
    for (const abort of [...this.inflight]) abort(err);
  }

  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const t = this.target;
    const want = opts.become ?? t.become !== false;
    let cmd = withEnv(command, opts.env);
    if (opts.timeoutMs !== undefined && opts.timeoutMs > 0) cmd = withRemoteTimeout(cmd, opts.timeoutMs);
    let wrap: SudoWrap | undefined;
    const password = t.become ? t.become.password : undefined;
    if (want && t.user !== 'root') {
      wrap = sudoWrap(cmd, { password: password !== undefined, nonce: randomBytes(8).toString('hex') });
      cmd = wrap.command;
    }
    let client = await this.getClient();
    let release = await this.sem.acquire();
    const started = performance.now();
    for (let refusals = 0; ; ) {
      let run: { result: Promise<ExecResult> };
      try {
        // runChannel must attach its listeners inside the callback: ssh2 may deliver the whole short-lived
        // channel (data, exit-status, close) in the same tick as the open confirmation.
        run = await new Promise<{ result: Promise<ExecResult> }>((resolve, reject) => {
          const permit = release;
          client.exec(cmd, (err, stream) => {
            if (err) return reject(err);
            this.stats.execChannels++;
            this.openExecChannels++;
            if (this.openExecChannels > this.stats.peakExecChannels)
              this.stats.peakExecChannels = this.openExecChannels;

            resolve({ result: this.runChannel(client, stream, wrap, password, opts, started, permit) });
          });
        });
      } catch (err) {
        release();
        const msg = (err as Error).message ?? String(err);
        const refused = /Channel open failure/i.test(msg);
        if (refused && refusals < 8 && this.client === client) {
          // The server allows fewer sessions than assumed (or is still freeing one): lower the limit to what
          // is open now, then retry after a round trip.
          refusals++;
          this.stats.channelOpenRefusals++;
          if (this.openExecChannels >= 1) this.sem.setLimit(Math.min(this.sem.limit, this.openExecChannels));
          await this.roundTrip(client, 50 * 2 ** refusals);
          client = await this.getClient();
          release = await this.sem.acquire();
          continue;
        }
        if (this.client !== client || /Not connected|No response/i.test(msg)) {
          throw new UnreachableError(this.host, `cannot open a channel: ${msg}`, err);
        }
        throw new HakitError(`${this.host}: cannot open a channel: ${msg}`, {
          code: 'E_CHANNEL',
          cause: err,
        });
      }
      return await run.result;
    }
  }

  /**
   * Resolves once the server answered a request sent now (a keepalive@openssh.com global request), so it has
   * processed everything sent before — e.g. our CHANNEL_CLOSE, after which sshd frees the session slot.
   * Bounded by `maxMs` (also the fallback when ssh2's internals are not there).
   */
  private roundTrip(client: SshClient, maxMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, maxMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      const c = client as unknown as { _protocol?: { ping?: () => void }; _callbacks?: Array<() => void> };
      if (this.client === client && typeof c._protocol?.ping === 'function' && Array.isArray(c._callbacks)) {
        c._callbacks.push(done);
        c._protocol.ping();
      }
    });
  }

  private runChannel(
    client: SshClient,
    stream: ClientChannel,
    wrap: SudoWrap | undefined,
    password: string | undefined,
    opts: ExecOptions,
    started: number,
    release: () => void,
  ): Promise<ExecResult> {
    return new Promise<ExecResult>((resolve, reject) => {
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let exitCode: number | null = null;
      let signal: string | undefined;
      let done = false;
      let timer: NodeJS.Timeout | undefined;
      let releaseTimer: NodeJS.Timeout | undefined;
      let released = false;
      let counted = true;
      const uncount = () => {
        if (counted) this.openExecChannels--;
        counted = false;
      };
      const releaseNow = () => {
        uncount();
        if (released) return;
        released = true;
        clearTimeout(releaseTimer);
        release();
      };
      // sshd frees the session slot only after it has processed our CLOSE: reuse the permit after a round trip.
      const releaseOnce = () => {
        uncount();
        if (released) return;
        void this.roundTrip(client, 3000).then(releaseNow);
      };

      const writeStdin = () => {
        const hold = opts.hold;
        if (!hold) {
          if (opts.stdin !== undefined) stream.end(opts.stdin);
          else stream.end();
          return;
        }
        if (opts.stdin !== undefined) stream.write(opts.stdin);
        if (hold.until.aborted) stream.end();
        else hold.until.addEventListener('abort', () => stream.end(), { once: true });
      };
      // become with password: feed it only when sudo prompts, the command's stdin only once it runs.
      let authText = '';
      let passwordSent = false;
      let running = !wrap?.prompt;
      const onAuthStderr = (chunk: Buffer) => {
        if (running || !wrap?.prompt || !wrap.marker) return;
        authText += chunk.toString('latin1');
        if (authText.includes(wrap.marker)) {
          running = true;
          writeStdin();
          return;
        }
        const prompts = authText.split(wrap.prompt).length - 1;
        if (prompts >= 1 && !passwordSent) {
          passwordSent = true;
          stream.write(`${password ?? ''}\n`);
        } else if (prompts >= 2) {
          stream.end(); // wrong password: sudo asks again; EOF makes it give up
        }
      };

      const finish = (timedOut: boolean) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.inflight.delete(abort);
        const stderrRaw = Buffer.concat(err).toString('utf8');
        resolve({
          exitCode: timedOut ? null : exitCode,
          signal: timedOut ? 'TIMEOUT' : signal,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: wrap ? cleanSudoStderr(stderrRaw, wrap) : stderrRaw,
          durationMs: Math.round(performance.now() - started),
        });
      };
      const abort = (e: Error) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.inflight.delete(abort);
        releaseNow();
        reject(e);
      };
      this.inflight.add(abort);

      stream.on('data', (d: Buffer) => {
        out.push(d);
        opts.hold?.onStdout?.(d.toString('utf8'));
      });
      stream.stderr.on('data', (d: Buffer) => {
        err.push(d);
        onAuthStderr(d);
      });
      stream.on('exit', (code: number | null, sig?: string) => {
        if (typeof code === 'number') exitCode = code;
        else if (sig) signal = sig;
      });
      stream.on('error', () => {
        // surfaced through 'close' / connection loss
      });
      let exited = false;
      stream.on('exit', () => {
        exited = true;
      });
      stream.on('close', () => {
        releaseOnce();
        // sshd always reports exit-status or exit-signal; a close without one means the connection went away.
        if (!exited && !done)
          return abort(new UnreachableError(this.host, 'connection lost while a command ran'));
        finish(false);
      });
      if (opts.timeoutMs !== undefined && opts.timeoutMs > 0) {
        timer = setTimeout(() => {
          killChannel(stream);
          stream.close();
          finish(true);
          // The permit is released when the server confirms the close; bounded in case it never does.
          releaseTimer = setTimeout(releaseNow, 30_000);
          releaseTimer.unref();
        }, opts.timeoutMs);
      }
      if (running) writeStdin();
    });
  }

  private sftp(): Promise<SFTPWrapper> {
    if (!this.sftpSession) {
      const p = this.getClient().then(
        (client) =>
          new Promise<SFTPWrapper>((resolve, reject) => {
            client.sftp((err, s) => {
              if (err)
                return reject(
                  new HakitError(`${this.host}: cannot start SFTP: ${err.message}`, { code: 'E_SFTP' }),
                );
              this.stats.sftpSessions++;
              s.on('close', () => {
                if (this.sftpSession === p) this.sftpSession = undefined;
              });
              resolve(s);
            });
          }),
      );
      p.catch(() => {
        if (this.sftpSession === p) this.sftpSession = undefined;
      });
      this.sftpSession = p;
    }
    return this.sftpSession;
  }

  async putFile(path: string, data: string | Buffer, mode?: number): Promise<void> {
    const s = await this.sftp();
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    await new Promise<void>((resolve, reject) => {
      s.writeFile(path, buf, mode !== undefined ? { mode } : {}, (err) =>
        err ? reject(sftpError(this.host, 'write', path, err)) : resolve(),
      );
    });
    if (mode !== undefined) {
      // writeFile's mode only applies when the file is created.
      await new Promise<void>((resolve, reject) => {
        s.chmod(path, mode, (err) => (err ? reject(sftpError(this.host, 'chmod', path, err)) : resolve()));
      });
    }
  }

  async getFile(path: string): Promise<Buffer | null> {
    const s = await this.sftp();
    return await new Promise<Buffer | null>((resolve, reject) => {
      s.readFile(path, (err: (Error & { code?: number }) | null | undefined, buf: Buffer) => {
        if (!err) return resolve(buf);
        if (err.code === 2) return resolve(null); // SSH_FX_NO_SUCH_FILE
        reject(sftpError(this.host, 'read', path, err));
      });
    });
  }

  async close(): Promise<void> {
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    this.sftpSession = undefined;
    if (client) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 5000);
        client.once('close', () => {
          clearTimeout(t);
          resolve();
        });
        client.end();
      });
    }
    if (this.ownsJump) await this.jumpConn?.close();
  }
}

/**
 * Send a KILL signal request (sshd: killpg of the command). ssh2's `signal()` refuses once stdin was
 * ended, which is always the case here, so the request is sent through the protocol object directly.
 */
function killChannel(stream: ClientChannel): void {
  const ch = stream as unknown as {
    outgoing?: { id?: number; state?: string };
    _client?: { _protocol?: { signal?: (id: number, name: string) => void } };
  };
  try {
    const id = ch.outgoing?.id;
    const open = ch.outgoing?.state === 'open' || ch.outgoing?.state === 'eof';
    if (open && id !== undefined && typeof ch._client?._protocol?.signal === 'function') {
      ch._client._protocol.signal(id, 'KILL');
    } else {
      stream.signal('KILL');
    }
  } catch {
    // best effort: the channel is closed next anyway
  }
}

function sftpError(host: string, op: string, path: string, err: Error): HakitError {
  return new HakitError(`${host}: sftp ${op} ${path}: ${err.message}`, { code: 'E_SFTP', cause: err });
}

/** Drop sudo's prompts/lecture: everything up to the marker line, or just the prompts when it never ran. */
function cleanSudoStderr(stderr: string, wrap: SudoWrap): string {
  if (!wrap.prompt || !wrap.marker) return stderr;
  const at = stderr.indexOf(wrap.marker);
  if (at >= 0) {
    const rest = stderr.slice(at + wrap.marker.length);
    return rest.startsWith('\n') ? rest.slice(1) : rest;
  }
  return stderr.split(wrap.prompt).join('');
}
