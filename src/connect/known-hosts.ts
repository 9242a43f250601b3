import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * OpenSSH known_hosts: parsing, matching (plain patterns, `[host]:port`, hashed `|1|salt|hash`),
 * and the check of a presented host key. Pure functions; reading/appending the file is the connector's job.
 */
export type KnownHostNames =
  | { kind: 'hashed'; salt: Buffer; hash: Buffer }
  | { kind: 'patterns'; patterns: string[] };

export interface KnownHostEntry {
  /** `@revoked` keys are refused; `@cert-authority` lines are parsed but not used (no certificate support). */
  marker?: 'revoked' | 'cert-authority';
  names: KnownHostNames;
  keyType: string;
  /** The decoded public key blob (SSH wire format), as the server presents it. */
  key: Buffer;
  comment?: string;
  /** 1-based line number in the file. */
  line: number;
}

/** `SHA256:<base64 without padding>` of a public key blob, as `ssh-keygen -l` prints it. */
export function fingerprintSha256(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside a public key blob (its first SSH string), e.g. `ssh-ed25519`. */
export function keyTypeOf(key: Buffer): string {
  if (key.length < 4) return 'unknown';
  const len = key.readUInt32BE(0);
  if (len <= 0 || len > 64 || 4 + len > key.length) return 'unknown';
  return key.subarray(4, 4 + len).toString('latin1');
}

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(hostname: string, port = 22): string {
  return port === 22 ? hostname : `[${hostname}]:${port}`;
}

/** Parse known_hosts text. Comments, blank and malformed lines are skipped. */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = (lines[i] ?? '').trim();
    if (!raw || raw.startsWith('#')) continue;
    const fields = raw.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0]?.startsWith('@')) {
      const m = fields.shift();
      if (m === '@revoked') marker = 'revoked';
      else if (m === '@cert-authority') marker = 'cert-authority';
      else continue;
    }
    const [hostField, keyType, keyB64, ...rest] = fields;
    if (!hostField || !keyType || !keyB64) continue;
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(keyB64)) continue;
    const key = Buffer.from(keyB64, 'base64');
    if (key.length === 0) continue;
    const names = parseNames(hostField);
    if (!names) continue;
    const entry: KnownHostEntry = { names, keyType, key, line: i + 1 };
    if (marker) entry.marker = marker;
    if (rest.length) entry.comment = rest.join(' ');
    out.push(entry);
  }
  return out;
}

function parseNames(field: string): KnownHostNames | undefined {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    if (!salt || !hash) return undefined;
    return { kind: 'hashed', salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
  }
  return { kind: 'patterns', patterns: field.split(',').filter(Boolean) };
}

/** OpenSSH wildcard match (`*` any run, `?` one char), case-insensitive like host names. */
export function wildcardMatch(pattern: string, value: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
      .join('')}$`,
    'i',
  );
  return re.test(value);
}

/** A comma/space list of patterns with `!negation`: matches if some positive matches and no negated one does. */
export function matchPatternList(patterns: string[], value: string): boolean {
  let positive = false;
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (wildcardMatch(p.slice(1), value)) return false;
    } else if (wildcardMatch(p, value)) {
      positive = true;
    }
  }
  return positive;
}

/** Does this entry name `name` (as produced by knownHostsName)? */
export function entryMatches(entry: KnownHostEntry, name: string): boolean {
  if (entry.names.kind === 'hashed') {
    const h = createHmac('sha1', entry.names.salt).update(name).digest();
    return h.length === entry.names.hash.length && timingSafeEqual(h, entry.names.hash);
  }
  return matchPatternList(entry.names.patterns, name);
}

export type HostKeyCheck =
  | { status: 'match'; entry: KnownHostEntry }
  | { status: 'unknown' }
  | { status: 'revoked'; entry: KnownHostEntry }
  /** Keys are known for this host and the presented one is none of them. */
  | { status: 'changed'; expected: KnownHostEntry[] };

/** Check a presented key against parsed known_hosts entries for `name` (see knownHostsName). */
export function checkHostKey(entries: KnownHostEntry[], name: string, key: Buffer): HostKeyCheck {
  const revoked = entries.find((e) => e.marker === 'revoked' && e.key.equals(key) && entryMatches(e, name));
  if (revoked) return { status: 'revoked', entry: revoked };
  const known = entries.filter((e) => e.marker === undefined && entryMatches(e, name));
  const hit = known.find((e) => e.key.equals(key));
  if (hit) return { status: 'match', entry: hit };
  if (known.length === 0) return { status: 'unknown' };
  const type = keyTypeOf(key);
  // Same-type keys first: that is the key the server "should" have presented.
  const expected = [...known].sort((a, b) => Number(b.keyType === type) - Number(a.keyType === type));
  return { status: 'changed', expected };
}

const ALGOS_FOR_KEY_TYPE: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};
const ALGO_PREFERENCE = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/**
 * Host key algorithms to offer when keys for `name` are already known, so the server presents a key
 * of a known type (as OpenSSH does). undefined = nothing known, use the library default.
 */
export function hostKeyAlgorithmsFor(entries: KnownHostEntry[], name: string): string[] | undefined {
  const algos = new Set<string>();
  for (const e of entries) {
    if (e.marker !== undefined || !entryMatches(e, name)) continue;
    for (const a of ALGOS_FOR_KEY_TYPE[e.keyType] ?? []) algos.add(a);
  }
  if (algos.size === 0) return undefined;
  return ALGO_PREFERENCE.filter((a) => algos.has(a));
}

/** One known_hosts line for `name` and a presented key blob (plain, not hashed). */
export function formatKnownHostsLine(name: string, key: Buffer): string {
  return `${name} ${keyTypeOf(key)} ${key.toString('base64')}`;
}

/** Hash a host name the way `ssh-keygen -H` does (for tests and for writing hashed entries). */
export function hashKnownHostName(name: string, salt: Buffer): string {
  const h = createHmac('sha1', salt).update(name).digest('base64');
  return `|1|${salt.toString('base64')}|${h}`;
}
