import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { afterEach, describe, expect, it } from 'vitest';
import { ed25519Pair, knownHostsLines, parseKnownHosts, writeKeyPair } from '../../src/sandbox/keys.js';
import { checkNodeCount, checkSandboxName, containerName, networkName } from '../../src/sandbox/names.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('sandbox keys and names', () => {
  it('writes an ed25519 private key with mode 0600 that parses, and its public key beside it', async () => {
    dir = await mkdtemp(join(tmpdir(), 'hakit-keys-'));
    const path = join(dir, 'id_ed25519');
    const { publicKey } = await writeKeyPair(path, 'test');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const parsed = ssh2.utils.parseKey(await readFile(path, 'utf8'));
    expect(parsed instanceof Error ? parsed.message : parsed.type).toBe('ssh-ed25519');
    expect(await readFile(`${path}.pub`, 'utf8')).toBe(publicKey);
    expect(publicKey).toMatch(/^ssh-ed25519 AAAA\S+ test\n$/);
  });

  it('writes known_hosts lines by address and reads the key blobs back', () => {
    const blob = Buffer.from('key-bytes');
    const text = knownHostsLines([
      { address: '10.213.0.11', hostKey: `ssh-ed25519 ${blob.toString('base64')} root@node1` },
    ]);
    expect(text).toBe(`10.213.0.11 ssh-ed25519 ${blob.toString('base64')}\n`);
    expect(parseKnownHosts(text).get('10.213.0.11')?.equals(blob)).toBe(true);
    expect(() => knownHostsLines([{ address: 'x', hostKey: 'garbage' }])).toThrow(/malformed/);
  });

  it('names docker objects after the sandbox and rejects names that would break them', () => {
    expect(networkName('default')).toBe('hakit-default');
    expect(containerName('default', 'node2')).toBe('hakit-default-node2');
    for (const bad of ['', 'Upper', '-x', 'a b', 'a/b', 'x'.repeat(41)])
      expect(() => checkSandboxName(bad)).toThrow();
    expect(checkSandboxName('t123-4-ab')).toBe('t123-4-ab');
    expect(() => checkNodeCount(0)).toThrow();
    expect(() => checkNodeCount(31)).toThrow();
    expect(checkNodeCount(30)).toBe(30);
  });
});

describe('ed25519Pair: only pairs ssh2 can read back', () => {
  const MALFORMED = `-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMgAAAAtz
c2gtZWQyNTUxOQAAAB+OOPhhpTXNMv/lWOPbgz4rp1hzZkp9QJAnTi9U7TGfAAAA
mFG3JYpRtyWKAAAAC3NzaC1lZDI1NTE5AAAAH444+GGlNc0y/+VY49uDPiunWHNm
Sn1AkCdOL1TtMZ8AAAA/Y/CRJsFVcFKz4ZBsurQ96BVYJ6snSfIN48OXowNbLN+O
OPhhpTXNMv/lWOPbgz4rp1hzZkp9QJAnTi9U7TGfAAAAEmhha2l0LXNhbmRib3gt
dGVzdAECAwQF
-----END OPENSSH PRIVATE KEY-----`;

  it('a pair with the 31-byte public key ssh2 sometimes makes is thrown away and another made', () => {
    // The private key above is one ssh2.utils.generateKeyPairSync('ed25519') really produced (1 in ~270).
    expect(ssh2.utils.parseKey(MALFORMED)).toBeInstanceOf(Error);
    const good = ssh2.utils.generateKeyPairSync('ed25519', { comment: 't' });
    let calls = 0;
    const gen = () => (++calls === 1 ? { private: MALFORMED, public: good.public } : good);
    expect(ed25519Pair('t', gen)).toBe(good);
    expect(calls).toBe(2);
    expect(() => ed25519Pair('t', () => ({ private: MALFORMED, public: good.public }))).toThrow(/20 tries/);
  });

  it('2000 generated pairs all parse (ssh2 alone fails about 7 of them)', () => {
    for (let i = 0; i < 2000; i++) {
      const p = ed25519Pair('hakit-sandbox-test');
      expect(ssh2.utils.parseKey(p.private)).not.toBeInstanceOf(Error);
    }
  });
});
