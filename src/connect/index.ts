export { backoffDelay, type RetryOptions, withRetries } from './backoff.js';
export {
  checkHostKey,
  entryMatches,
  fingerprintSha256,
  formatKnownHostsLine,
  type HostKeyCheck,
  hashKnownHostName,
  hostKeyAlgorithmsFor,
  type KnownHostEntry,
  type KnownHostNames,
  keyTypeOf,
  knownHostsName,
  matchPatternList,
  parseKnownHosts,
  wildcardMatch,
} from './known-hosts.js';
export { LocalConnector } from './local-connector.js';
export { ConnectionPool } from './pool.js';
export { Semaphore } from './semaphore.js';
export { shellQuote, sudoWrap, withEnv, withRemoteTimeout } from './shell.js';
export {
  type ProxyJumpHop,
  parseProxyJump,
  parseSshConfig,
  type ResolvedSshConfig,
  type ResolveSshConfigOptions,
  resolveSshConfig,
  type SshConfigBlock,
  type SshConfigOption,
} from './ssh-config.js';
export { SshConnector, type SshConnectorStats } from './ssh-connector.js';
export { type ResolvedTarget, type ResolveEnv, resolveTarget, type SshTarget } from './target.js';
export type { Connector, ExecOptions, ExecResult } from './types.js';
