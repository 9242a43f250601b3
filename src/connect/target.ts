import { existsSync, readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { parseProxyJump, parseSshConfig, type ResolvedSshConfig, resolveSshConfig } from './ssh-config.js';

/** What the executor builds from an inventory node. Secrets (passphrase, password) are already resolved. */
export interface SshTarget {
  /** Inventory node name (used in messages and as the pool key). */
  host: string;
  /** Address to connect to. Empty or equal to `host` = "not given": ~/.ssh/config's HostName applies. */
  hostname: string;
  port?: number;
  user?: string;
  /** Private key file. Default: ~/.ssh/config IdentityFile, else ~/.ssh/id_ed25519, id_ecdsa, id_rsa that exist. */
  keyFile?: string;
  passphrase?: string;
  /** true = $SSH_AUTH_SOCK, string = socket path, false = no agent. Default: $SSH_AUTH_SOCK when set. */
  agent?: boolean | string;
  /** Password auth (and keyboard-interactive), for first contact. */
  password?: string;
  /** Default ~/.ssh/known_hosts. */
  knownHostsFile?: string;
  /** `SHA256:...` fingerprints; when given, the presented key must be one of them (known_hosts not consulted). */
  pinnedFingerprints?: string[];
  /** Trust on first use: record an unknown host's key in knownHostsFile. A changed key is still refused. */
  acceptNewHostKeys?: boolean;
  become?: { method: 'sudo'; password?: string } | false;
  /** Bastion: this target is reached through the jump host's forwardOut. */
  jump?: SshTarget;
  /** TCP connect + SSH handshake + auth, per attempt. Default 10000. */
  connectTimeoutMs?: number;
  /** Default 15000 (3 missed keepalives = dead). */
  keepaliveIntervalMs?: number;
  /** Connection retries after the first attempt, for network errors only. Default 2. */
  retries?: number;
  /** First backoff delay; doubles per retry, capped at 8 s. Default 500. (Added to the brief's shape.) */
  retryDelayMs?: number;
  /** Channels the server allows per connection (sshd MaxSessions). Default 10: 9 exec + 1 SFTP. */
  maxChannels?: number;
  /** Default ~/.ssh/config; false = ignore. */
  sshConfigFile?: string | false;
}

export interface ResolvedTarget {
  host: string;
  hostname: string;
  port: number;
  user: string;
  keyFiles: string[];
  passphrase?: string;
  agent?: string;
  password?: string;
  knownHostsFile: string;
  pinnedFingerprints?: string[];
  acceptNewHostKeys: boolean;
  become: { method: 'sudo'; password?: string } | false;
  jump?: SshTarget;
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  retries: number;
  retryDelayMs: number;
  maxChannels: number;
}

export interface ResolveEnv {
  home?: string;
  localUser?: string;
  sshAuthSock?: string | undefined;
}

const DEFAULT_IDENTITIES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];
const MAX_JUMP_HOPS = 8;

/** How many ProxyJump hops deep a target created from a ProxyJump value is (bounds config loops). */
const hopDepth = new WeakMap<SshTarget, number>();

/**
 * Apply ~/.ssh/config where the target is silent. The config is looked up by the inventory name first
 * (like `ssh db1`), then by the address; the first value found wins. The inventory always wins.
 */
export function resolveTarget(t: SshTarget, env: ResolveEnv = {}): ResolvedTarget {
  const depth = hopDepth.get(t) ?? 0;
  const home = env.home ?? homedir();
  const localUser = env.localUser ?? userInfo().username;
  const sock = 'sshAuthSock' in env ? env.sshAuthSock : process.env.SSH_AUTH_SOCK;
  const configFile = t.sshConfigFile === undefined ? join(home, '.ssh', 'config') : t.sshConfigFile;
  let cfg: ResolvedSshConfig = { identityFiles: [] };
  if (configFile !== false && existsSync(configFile)) {
    const blocks = parseSshConfig(readFileSync(configFile, 'utf8'));
    const byName = resolveSshConfig(blocks, t.host, { home, localUser });
    const addressGiven = t.hostname !== '' && t.hostname !== t.host;
    const byAddr = addressGiven ? resolveSshConfig(blocks, t.hostname, { home, localUser }) : byName;
    cfg = {
      identityFiles: byName.identityFiles.length ? byName.identityFiles : byAddr.identityFiles,
    };
    const hostname = byName.hostname ?? byAddr.hostname;
    const user = byName.user ?? byAddr.user;
    const port = byName.port ?? byAddr.port;
    const proxyJump = byName.proxyJump ?? byAddr.proxyJump;
    if (hostname !== undefined) cfg.hostname = hostname;
    if (user !== undefined) cfg.user = user;
    if (port !== undefined) cfg.port = port;
    if (proxyJump !== undefined) cfg.proxyJump = proxyJump;
  }

  const hostname = t.hostname && t.hostname !== t.host ? t.hostname : (cfg.hostname ?? t.hostname ?? t.host);
  let keyFiles: string[];
  if (t.keyFile) keyFiles = [t.keyFile];
  else if (cfg.identityFiles.length) keyFiles = cfg.identityFiles.filter((f) => existsSync(f));
  else keyFiles = DEFAULT_IDENTITIES.map((f) => join(home, '.ssh', f)).filter((f) => existsSync(f));

  let agent: string | undefined;
  if (typeof t.agent === 'string') agent = t.agent;
  else if (t.agent !== false && sock) agent = sock;

  const r: ResolvedTarget = {
    host: t.host,
    hostname: hostname || t.host,
    port: t.port ?? cfg.port ?? 22,
    user: t.user ?? cfg.user ?? localUser,
    keyFiles,
    knownHostsFile: t.knownHostsFile ?? join(home, '.ssh', 'known_hosts'),
    acceptNewHostKeys: t.acceptNewHostKeys ?? false,
    become: t.become ?? false,
    connectTimeoutMs: t.connectTimeoutMs ?? 10_000,
    keepaliveIntervalMs: t.keepaliveIntervalMs ?? 15_000,
    retries: t.retries ?? 2,
    retryDelayMs: t.retryDelayMs ?? 500,
    maxChannels: Math.max(2, Math.floor(t.maxChannels ?? 10)),
  };
  if (t.passphrase !== undefined) r.passphrase = t.passphrase;
  if (agent !== undefined) r.agent = agent;
  if (t.password !== undefined) r.password = t.password;
  if (t.pinnedFingerprints?.length) r.pinnedFingerprints = t.pinnedFingerprints;
  if (t.jump) r.jump = t.jump;
  else if (cfg.proxyJump && depth < MAX_JUMP_HOPS) {
    const hops = parseProxyJump(cfg.proxyJump);
    // `Host * / ProxyJump bastion` also matches the bastion itself: it connects directly.
    const selfLoop = hops.some((h) => h.host === t.host || h.host === t.hostname);
    if (!selfLoop) r.jump = jumpFromProxyJump(cfg.proxyJump, t, depth);
  }
  return r;
}

/** ProxyJump `a,b` → target for b reached through a. Hops inherit host-key and connection settings only. */
function jumpFromProxyJump(value: string, t: SshTarget, depth: number): SshTarget | undefined {
  let prev: SshTarget | undefined;
  for (const hop of parseProxyJump(value)) {
    const j: SshTarget = { host: hop.host, hostname: hop.host };
    if (hop.user) j.user = hop.user;
    if (hop.port) j.port = hop.port;
    if (t.knownHostsFile !== undefined) j.knownHostsFile = t.knownHostsFile;
    if (t.acceptNewHostKeys !== undefined) j.acceptNewHostKeys = t.acceptNewHostKeys;
    if (t.agent !== undefined) j.agent = t.agent;
    if (t.connectTimeoutMs !== undefined) j.connectTimeoutMs = t.connectTimeoutMs;
    if (t.keepaliveIntervalMs !== undefined) j.keepaliveIntervalMs = t.keepaliveIntervalMs;
    if (t.retries !== undefined) j.retries = t.retries;
    if (t.retryDelayMs !== undefined) j.retryDelayMs = t.retryDelayMs;
    if (t.sshConfigFile !== undefined) j.sshConfigFile = t.sshConfigFile;
    if (prev) j.jump = prev;
    hopDepth.set(j, depth + 1);
    prev = j;
  }
  return prev;
}
