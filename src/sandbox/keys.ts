import { chmod, writeFile } from 'node:fs/promises';
import ssh2 from 'ssh2';

type KeyGen = (comment: string) => { private: string; public: string };
const ssh2Ed25519: KeyGen = (comment) => ssh2.utils.generateKeyPairSync('ed25519', { comment });

/**
 * A fresh ed25519 key pair that ssh2 itself can read back. ssh2's generator drops a leading zero byte of the
 * public key about once in 270 keys (a 31-byte key: "Malformed OpenSSH private key" at every login, seen as a
 * sandbox whose nodes never answered SSH): such a pair is thrown away and another made, at most 20 times.
 */
export function ed25519Pair(comment: string, gen: KeyGen = ssh2Ed25519): { private: string; public: string } {
  for (let i = 0; i < 20; i++) {
    const pair = gen(comment);
    if (
      !(ssh2.utils.parseKey(pair.private) instanceof Error) &&
      !(ssh2.utils.parseKey(pair.public) instanceof Error)
    )
      return pair;
  }
  throw new Error('could not generate an ed25519 key pair that ssh2 can read (20 tries)');
}

/** Writes a fresh ed25519 key pair: `path` (OpenSSH private key, mode 0600) and `path.pub`. */
export async function writeKeyPair(path: string, comment: string): Promise<{ publicKey: string }> {
  const pair = ed25519Pair(comment);
  await writeFile(path, pair.private, { mode: 0o600 });
  await chmod(path, 0o600);
  const publicKey = `${pair.public.trim()}\n`;
  await writeFile(`${path}.pub`, publicKey, { mode: 0o644 });
  return { publicKey };
}

/** One known_hosts line per node: `<address> <type> <base64>` (the comment of the .pub line is dropped). */
export function knownHostsLines(entries: Array<{ address: string; hostKey: string }>): string {
  return entries
    .map(({ address, hostKey }) => {
      const [type, b64] = hostKey.trim().split(/\s+/);
      if (!type || !b64) throw new Error(`malformed host key for ${address}`);
      return `${address} ${type} ${b64}\n`;
    })
    .join('');
}

/** Parses a known_hosts file written by knownHostsLines: address → raw key blob. */
export function parseKnownHosts(text: string): Map<string, Buffer> {
  const map = new Map<string, Buffer>();
  for (const line of text.split('\n')) {
    const [host, , b64] = line.trim().split(/\s+/);
    if (host && b64 && !host.startsWith('#')) map.set(host, Buffer.from(b64, 'base64'));
  }
  return map;
}
