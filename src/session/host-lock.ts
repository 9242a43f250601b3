import type { Connector } from '../connect/types.js';
import { HakitError, HostKeyError, UnreachableError } from '../errors/index.js';
import { shq } from '../shell/posix.js';

/** The lock every changing `hakit bootstrap` holds on each of its hosts while it runs. */
export const HOST_LOCK_PATH = '/run/lock/hakit.lock';

const HELD = 'HAKIT-LOCK-HELD';
const BUSY = 'HAKIT-LOCK-BUSY';
/** Exit code of the lock script when another process holds the lock. */
const BUSY_EXIT = 75;
/** Bound on taking the lock on one host (the command itself answers at once). */
const ACQUIRE_TIMEOUT_MS = 60_000;
/** Bound on waiting for a released lock's command to exit. */
const RELEASE_TIMEOUT_MS = 10_000;

/** Another hakit run holds the lock of a host. Exit 6; nothing was changed by this run. */
export class HostLockedError extends HakitError {
  readonly host: string;
  readonly owner: string;
  constructor(host: string, owner: string, path = HOST_LOCK_PATH) {
    super(
      `${host}: another hakit run holds ${path}${owner ? ` (${owner})` : ''}; nothing was changed. ` +
        'Wait for it to finish, or stop it: the lock is released as soon as its SSH connection closes.',
      { code: 'E_LOCKED', exitCode: 6 },
    );
    this.host = host;
    this.owner = owner;
  }
}

/**
 * The script that takes the lock: an flock(1) on a file in /run/lock (tmpfs: a reboot clears it), held by a
 * `cat` reading the channel's stdin. Closing stdin releases it — and so does the connection going away, since
 * sshd then closes the channel, whatever happened to the controller (killed, crashed, network lost). The owner
 * line (who, where, since when) is written into the file for the one refused.
 */
export function lockScript(owner: string, path = HOST_LOCK_PATH): string {
  return [
    `f=${shq(path)}`,
    `command -v flock >/dev/null 2>&1 || { echo 'flock(1) is not installed (util-linux)' >&2; exit 69; }`,
    // dash exits on a failed redirection of `exec`: try it in a subshell first.
    `if ! (: >>"$f") 2>/dev/null; then echo "cannot open $f" >&2; exit 73; fi`,
    'exec 9>>"$f"',
    'if flock -n 9; then',
    `  printf '%s\\n' ${shq(owner)} >"$f"`,
    `  echo ${HELD}`,
    '  cat >/dev/null',
    '  : >"$f"',
    'else',
    `  echo ${BUSY}`,
    '  cat "$f"',
    `  exit ${BUSY_EXIT}`,
    'fi',
  ].join('\n');
}

interface Held {
  host: string;
  release: AbortController;
  done: Promise<unknown>;
}

/** Locks held on hosts; `release` gives them all back (idempotent, never throws). */
export interface HostLocks {
  readonly hosts: readonly string[];
  release(): Promise<void>;
}

/**
 * Takes the lock on every host at once. When any host is locked by another run, the locks already taken are
 * released and HostLockedError is thrown. A host that cannot be reached is left out (the run reports it
 * unreachable itself); any other failure to take the lock is an error naming the host.
 */
export async function lockHosts(
  conns: readonly Connector[],
  owner: string,
  opts: { path?: string } = {},
): Promise<HostLocks> {
  const path = opts.path ?? HOST_LOCK_PATH;
  const script = lockScript(owner, path);
  const results = await Promise.allSettled(conns.map((c) => lockOne(c, script, path)));
  const held = results.flatMap((r) => (r.status === 'fulfilled' && r.value ? [r.value] : []));
  const locks: HostLocks = {
    hosts: held.map((h) => h.host),
    async release() {
      const pending = held.splice(0);
      for (const h of pending) h.release.abort();
      await Promise.all(pending.map((h) => bounded(h.done, RELEASE_TIMEOUT_MS)));
    },
  };
  const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failed.length) {
    await locks.release();
    throw failed.find((e) => e instanceof HostLockedError) ?? failed[0];
  }
  return locks;
}

async function lockOne(conn: Connector, script: string, path: string): Promise<Held | null> {
  const release = new AbortController();
  let out = '';
  let onHeld: () => void = () => {};
  const held = new Promise<'held'>((res) => {
    onHeld = () => res('held');
  });
  const done = conn.exec(script, {
    become: true,
    hold: {
      until: release.signal,
      onStdout: (t) => {
        out += t;
        if (out.includes(HELD)) onHeld();
      },
    },
  });
  // The command may end much later (when released) or fail with the connection: never unhandled.
  done.catch(() => {});
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((res) => {
    timer = setTimeout(() => res('timeout'), ACQUIRE_TIMEOUT_MS);
  });
  try {
    const first = await Promise.race([held, done, timeout]);
    if (first === 'held') return { host: conn.host, release, done };
    release.abort();
    if (first === 'timeout')
      throw new HakitError(`${conn.host}: taking ${path} did not answer in ${ACQUIRE_TIMEOUT_MS / 1000} s`, {
        code: 'E_LOCK',
      });
    if (first.exitCode === BUSY_EXIT && first.stdout.includes(BUSY))
      throw new HostLockedError(conn.host, first.stdout.split(BUSY)[1]?.trim() ?? '', path);
    const why = first.stderr.trim() || `exit ${first.exitCode ?? first.signal}`;
    throw new HakitError(`${conn.host}: cannot take ${path}: ${why}`, { code: 'E_LOCK' });
  } catch (err) {
    release.abort();
    if (err instanceof UnreachableError || err instanceof HostKeyError) return null;
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

async function bounded(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    p.then(
      () => {},
      () => {},
    ),
    new Promise<void>((res) => {
      timer = setTimeout(res, ms);
    }),
  ]);
  clearTimeout(timer);
}
