import { describe, expect, it } from 'vitest';
import {
  chooseAuthkey,
  keyFingerprint,
  type MemberKey,
  parseKeyOutput,
  readKeyScript,
} from '../../src/components/corosync/authkey.js';
import { HakitError } from '../../src/errors/index.js';

const k1 = Buffer.alloc(256, 1);
const k2 = Buffer.alloc(256, 2);

describe('cluster authkey when the inventory names none', () => {
  it('keeps the key the members share', () => {
    const members: MemberKey[] = [
      { host: 'node1', state: 'managed', key: k1 },
      { host: 'node2', state: 'none' },
      { host: 'node3', state: 'managed', key: Buffer.from(k1) },
    ];
    expect(chooseAuthkey(members, () => k2).equals(k1)).toBe(true);
  });

  it('generates one only when every member answered and none has one', () => {
    const none: MemberKey[] = ['node1', 'node2', 'node3'].map((host) => ({ host, state: 'none' }));
    expect(chooseAuthkey(none, () => k2).equals(k2)).toBe(true);
    const real = chooseAuthkey(none);
    expect(real.length).toBe(256);
    expect(real.equals(chooseAuthkey(none))).toBe(false); // random
  });

  it('refuses when members disagree, naming them by fingerprint, never the key', () => {
    const members: MemberKey[] = [
      { host: 'node1', state: 'managed', key: k1 },
      { host: 'node2', state: 'managed', key: k2 },
    ];
    let err: unknown;
    try {
      chooseAuthkey(members);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(HakitError);
    const msg = (err as Error).message;
    expect(msg).toContain(`node1 ${keyFingerprint(k1)}`);
    expect(msg).toContain(`node2 ${keyFingerprint(k2)}`);
    expect(msg).toContain('cluster.authkey');
    expect(msg).not.toContain(k1.toString('base64'));
    expect(msg).not.toContain(k2.toString('base64'));
  });

  it('refuses to generate while a member could not be asked', () => {
    const members: MemberKey[] = [
      { host: 'node1', state: 'none' },
      { host: 'node2', state: 'unreachable', why: 'connection refused' },
    ];
    expect(() => chooseAuthkey(members)).toThrow(
      /node2 could not be asked: a new key could split the cluster/,
    );
    // …but a shared key is still known: use it (node2 converges when it is back).
    expect(chooseAuthkey([...members, { host: 'node3', state: 'managed', key: k1 }]).equals(k1)).toBe(true);
  });

  it('parses what the script prints', () => {
    expect(parseKeyOutput('n', 'HAKIT-AUTHKEY NONE\n')).toEqual({ host: 'n', state: 'none' });
    const m = parseKeyOutput('n', `motd\nHAKIT-AUTHKEY MANAGED\n${k1.toString('base64')}\n`);
    expect(m.state === 'managed' && m.key.equals(k1)).toBe(true);
    expect(() => parseKeyOutput('n', 'garbage')).toThrow(/n: cannot read \/etc\/corosync\/authkey/);
  });

  it('the script only reads (no write, no key on its command line)', () => {
    const s = readKeyScript();
    expect(s).not.toMatch(/>\s*[^&/]|\brm\b|\bmv\b|\bcp\b|tee/);
    expect(s).toContain('head -n 1 /etc/corosync/corosync.conf');
  });
});
