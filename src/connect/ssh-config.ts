import { matchPatternList } from './known-hosts.js';

/**
 * A small ~/.ssh/config reader: `Host` blocks (wildcards, `!negation`), and the options hakit uses —
 * HostName, User, Port, IdentityFile, ProxyJump. As in OpenSSH the first value obtained wins
 * (IdentityFile accumulates). `Match` blocks and `Include` are not supported: their options are ignored.
 */
export interface SshConfigOption {
  /** Keyword, lower-cased. */
  key: string;
  args: string[];
  line: number;
}

export interface SshConfigBlock {
  /** Host patterns; null for options before the first Host line (they apply to every host). */
  patterns: string[] | null;
  /** A `Match` block: never applied. */
  match?: boolean;
  options: SshConfigOption[];
}

export interface ResolvedSshConfig {
  hostname?: string;
  user?: string;
  port?: number;
  identityFiles: string[];
  /** Raw ProxyJump value (`[user@]host[:port][,...]`); `none` is dropped. */
  proxyJump?: string;
}

export function parseSshConfig(text: string): SshConfigBlock[] {
  const blocks: SshConfigBlock[] = [{ patterns: null, options: [] }];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(line);
    if (!m) continue;
    const key = (m[1] ?? '').toLowerCase();
    const args = splitArgs(m[2] ?? '');
    if (key === 'host') {
      blocks.push({ patterns: args, options: [] });
    } else if (key === 'match') {
      blocks.push({ patterns: [], match: true, options: [] });
    } else {
      blocks.at(-1)?.options.push({ key, args, line: i + 1 });
    }
  }
  return blocks;
}

function splitArgs(s: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let m = re.exec(s); m; m = re.exec(s)) out.push(m[1] ?? m[2] ?? '');
  return out;
}

export interface ResolveSshConfigOptions {
  /** For `~` and `%d`. */
  home?: string;
  /** For `%u` (local user name). */
  localUser?: string;
}

/** The options that apply to `host` (the name as it would be typed after `ssh`). */
export function resolveSshConfig(
  blocks: SshConfigBlock[],
  host: string,
  opts: ResolveSshConfigOptions = {},
): ResolvedSshConfig {
  const out: ResolvedSshConfig = { identityFiles: [] };
  const rawIdentity: string[] = [];
  for (const b of blocks) {
    if (b.match) continue;
    if (b.patterns !== null && !matchPatternList(b.patterns, host)) continue;
    for (const o of b.options) {
      const v = o.args[0];
      if (v === undefined) continue;
      switch (o.key) {
        case 'hostname':
          out.hostname ??= v;
          break;
        case 'user':
          out.user ??= v;
          break;
        case 'port': {
          const n = Number(v);
          if (out.port === undefined && Number.isInteger(n) && n > 0 && n < 65536) out.port = n;
          break;
        }
        case 'identityfile':
          rawIdentity.push(v);
          break;
        case 'proxyjump':
          out.proxyJump ??= v;
          break;
      }
    }
  }
  if (out.proxyJump?.toLowerCase() === 'none') delete out.proxyJump;
  if (out.hostname !== undefined) out.hostname = out.hostname.replaceAll('%h', host).replaceAll('%%', '%');
  const tokens = {
    h: out.hostname ?? host,
    r: out.user ?? opts.localUser ?? '',
    u: opts.localUser ?? '',
    p: String(out.port ?? 22),
    d: opts.home ?? '',
  };
  out.identityFiles = rawIdentity.map((f) => expandPath(f, tokens, opts.home));
  return out;
}

function expandPath(p: string, tokens: Record<string, string>, home?: string): string {
  let s = p.replace(/%([%hrupd])/g, (_, t: string) => (t === '%' ? '%' : (tokens[t] ?? '')));
  if (home !== undefined && (s === '~' || s.startsWith('~/'))) s = home + s.slice(1);
  return s;
}

export interface ProxyJumpHop {
  user?: string;
  host: string;
  port?: number;
}

/** `a,user@b:2222` → hops in connection order (a first). `[v6]:port` is accepted. */
export function parseProxyJump(value: string): ProxyJumpHop[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((spec) => {
      const s = spec.replace(/^ssh:\/\//, '');
      const at = s.lastIndexOf('@');
      const user = at >= 0 ? s.slice(0, at) : undefined;
      const rest = at >= 0 ? s.slice(at + 1) : s;
      let host = rest;
      let port: number | undefined;
      const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
      if (v6) {
        host = v6[1] ?? rest;
        if (v6[2]) port = Number(v6[2]);
      } else {
        const c = rest.lastIndexOf(':');
        if (c >= 0 && rest.indexOf(':') === c) {
          host = rest.slice(0, c);
          port = Number(rest.slice(c + 1));
        }
      }
      const hop: ProxyJumpHop = { host };
      if (user) hop.user = user;
      if (port !== undefined && Number.isInteger(port) && port > 0) hop.port = port;
      return hop;
    });
}
