import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkHostKey,
  entryMatches,
  fingerprintSha256,
  formatKnownHostsLine,
  hashKnownHostName,
  hostKeyAlgorithmsFor,
  keyTypeOf,
  knownHostsName,
  matchPatternList,
  parseKnownHosts,
} from '../../src/connect/index.js';

// Real keys from ssh-keygen, and ssh-keygen itself as the oracle for fingerprints and hashing.
let dir: string;
const keys: Record<string, { line: string; blob: Buffer; type: string }> = {};

function genKey(name: string, type: 'ed25519' | 'ecdsa' | 'rsa') {
  const f = join(dir, name);
  execFileSync('ssh-keygen', [
    '-q',
    '-t',
    type,
    ...(type === 'rsa' ? ['-b', '2048'] : []),
    '-N',
    '',
    '-f',
    f,
  ]);
  const line = readFileSync(`${f}.pub`, 'utf8').trim();
  const [t, b64] = line.split(' ');
  keys[name] = { line, blob: Buffer.from(b64!, 'base64'), type: t! };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hakit-kh-'));
  genKey('a', 'ed25519');
  genKey('b', 'ed25519');
  genKey('c', 'ecdsa');
  genKey('d', 'rsa');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const k = (n: string) => keys[n]!;
const pub = (n: string) => `${k(n).type} ${k(n).blob.toString('base64')}`;

describe('fingerprintSha256', () => {
  it('matches ssh-keygen -l -E sha256 for ed25519, ecdsa and rsa keys', () => {
    for (const n of ['a', 'c', 'd']) {
      const out = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(dir, `${n}.pub`)], {
        encoding: 'utf8',
      });
      expect(out.split(' ')[1]).toBe(fingerprintSha256(k(n).blob));
    }
  });
  it('reads the key type from the blob', () => {
    expect(keyTypeOf(k('a').blob)).toBe('ssh-ed25519');
    expect(keyTypeOf(k('c').blob)).toBe('ecdsa-sha2-nistp256');
    expect(keyTypeOf(k('d').blob)).toBe('ssh-rsa');
    expect(keyTypeOf(Buffer.alloc(2))).toBe('unknown');
  });
});

describe('parseKnownHosts', () => {
  it('parses plain lines, host lists, ports, markers and comments; skips junk', () => {
    const text = [
      '# a comment',
      '',
      `web1,10.0.0.1 ${pub('a')} admin@box`,
      `[10.0.0.2]:2222 ${pub('b')}`,
      `@revoked * ${pub('c')}`,
      `@cert-authority *.example.com ${pub('d')}`,
      '@bogus host ssh-ed25519 AAAA',
      'only-two-fields ssh-ed25519',
      'host ssh-ed25519 not*base64',
    ].join('\n');
    const e = parseKnownHosts(text);
    expect(e).toHaveLength(4);
    expect(e[0]).toMatchObject({
      names: { kind: 'patterns', patterns: ['web1', '10.0.0.1'] },
      keyType: 'ssh-ed25519',
      line: 3,
      comment: 'admin@box',
    });
    expect(e[0]!.key.equals(k('a').blob)).toBe(true);
    expect(e[1]).toMatchObject({ names: { kind: 'patterns', patterns: ['[10.0.0.2]:2222'] }, line: 4 });
    expect(e[2]).toMatchObject({ marker: 'revoked', line: 5 });
    expect(e[3]).toMatchObject({ marker: 'cert-authority', line: 6 });
  });

  it('matches entries hashed by ssh-keygen -H, for port 22 and [host]:port names', () => {
    const f = join(dir, 'kh-hash');
    writeFileSync(f, `web1 ${pub('a')}\n[10.0.0.2]:2222 ${pub('b')}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', f], { stdio: 'ignore' });
    const text = readFileSync(f, 'utf8');
    expect(text).not.toContain('web1');
    const e = parseKnownHosts(text);
    expect(e.map((x) => x.names.kind)).toEqual(['hashed', 'hashed']);
    expect(entryMatches(e[0]!, 'web1')).toBe(true);
    expect(entryMatches(e[0]!, 'web2')).toBe(false);
    expect(entryMatches(e[1]!, knownHostsName('10.0.0.2', 2222))).toBe(true);
    expect(entryMatches(e[1]!, '10.0.0.2')).toBe(false);
    // and our own hashing is what ssh-keygen -F finds
    const salt = Buffer.alloc(20, 7);
    const mine = join(dir, 'kh-mine');
    writeFileSync(mine, `${hashKnownHostName('db9', salt)} ${pub('c')}\n`);
    const found = execFileSync('ssh-keygen', ['-F', 'db9', '-f', mine], { encoding: 'utf8' });
    expect(found).toContain('Host db9 found');
  });

  it('keeps several keys (types) for one host', () => {
    const e = parseKnownHosts(`h1 ${pub('a')}\nh1 ${pub('c')}\nh1 ${pub('d')}\n`);
    expect(e.filter((x) => entryMatches(x, 'h1')).map((x) => x.keyType)).toEqual([
      'ssh-ed25519',
      'ecdsa-sha2-nistp256',
      'ssh-rsa',
    ]);
    expect(hostKeyAlgorithmsFor(e, 'h1')).toEqual([
      'ssh-ed25519',
      'ecdsa-sha2-nistp256',
      'rsa-sha2-512',
      'rsa-sha2-256',
      'ssh-rsa',
    ]);
    expect(hostKeyAlgorithmsFor(e, 'h2')).toBeUndefined();
  });
});

describe('host patterns', () => {
  it('supports *, ? and !negation', () => {
    expect(matchPatternList(['*.example.com'], 'db1.example.com')).toBe(true);
    expect(matchPatternList(['*.example.com', '!bad.example.com'], 'bad.example.com')).toBe(false);
    expect(matchPatternList(['db?'], 'db1')).toBe(true);
    expect(matchPatternList(['db?'], 'db12')).toBe(false);
    expect(matchPatternList(['!db1'], 'db2')).toBe(false);
    expect(matchPatternList(['10.0.0.*'], '10.0.0.7')).toBe(true);
    expect(matchPatternList(['10.0.0.*'], '10.0.010')).toBe(false);
  });
});

describe('checkHostKey', () => {
  const text = () =>
    [`h1 ${pub('a')}`, `h1 ${pub('d')}`, `[h2]:2200 ${pub('b')}`, `@revoked * ${pub('c')}`].join('\n');

  it('match / unknown / changed / revoked', () => {
    const e = parseKnownHosts(text());
    expect(checkHostKey(e, 'h1', k('a').blob)).toMatchObject({ status: 'match' });
    expect(checkHostKey(e, 'h1', k('d').blob)).toMatchObject({ status: 'match' });
    expect(checkHostKey(e, 'h9', k('a').blob)).toEqual({ status: 'unknown' });
    // port matters: h2 on 22 is unknown, on 2200 known
    expect(checkHostKey(e, 'h2', k('b').blob)).toEqual({ status: 'unknown' });
    expect(checkHostKey(e, '[h2]:2200', k('b').blob)).toMatchObject({ status: 'match' });
    const changed = checkHostKey(e, 'h1', k('b').blob);
    expect(changed.status).toBe('changed');
    if (changed.status === 'changed') {
      // the same-type (ed25519) known key comes first: it is the one that "should" have been presented
      expect(changed.expected.map((x) => fingerprintSha256(x.key))).toEqual([
        fingerprintSha256(k('a').blob),
        fingerprintSha256(k('d').blob),
      ]);
    }
    expect(checkHostKey(e, 'anything', k('c').blob)).toMatchObject({ status: 'revoked' });
  });

  it('formats a line that parses back to a match', () => {
    const line = formatKnownHostsLine('[127.0.0.1]:2222', k('a').blob);
    expect(line).toBe(`[127.0.0.1]:2222 ${pub('a')}`);
    expect(checkHostKey(parseKnownHosts(line), knownHostsName('127.0.0.1', 2222), k('a').blob).status).toBe(
      'match',
    );
  });
});
