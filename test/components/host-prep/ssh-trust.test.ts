import { describe, expect, it } from 'vitest';
import {
  sshRootKeyOp,
  sshTrustOp,
  TRUST_BEGIN,
  TRUST_END,
} from '../../../src/components/host-prep/ssh-trust-op.js';
import { type SshTrustInfo, sshTrustFact } from '../../../src/facts/ssh-trust.js';
import type { FactRequest, Plan } from '../../../src/ops/types.js';
import { factValues } from '../../ops/helpers.js';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const KEY = (n: number) => `AAAAC3NzaC1lZDI1NTE5AAAAI${String(n).repeat(43).slice(0, 43)}`;
const ROOT_PUB = (node: string, n: number) => `ssh-ed25519 ${KEY(n)} root@${node}`;
const HOST_ED = (n: number) => `ssh-ed25519 ${KEY(n + 5)}`;
const HOST_RSA = (n: number) => `ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ${n}`;
const CONTROLLER = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIcontroller hakit-sandbox';

/** The ssh_trust snippet's output for a host, parsed and checked as in a run. */
function fact(o: {
  privateKey?: boolean;
  pub?: string | null;
  hostKeys?: string[];
  authorized?: string | null;
  known?: string | null;
}): SshTrustInfo {
  const out = [
    'ssh_trust',
    'home=/root',
    `private=${o.privateKey === false ? 'no' : 'yes'}`,
    ...(o.pub ? [`pub=${b64(`${o.pub}\n`)}`] : []),
    ...(o.hostKeys ?? []).map((k) => `hostkey=${b64(`${k} root@buildhost\n`)}`),
    ...(o.authorized != null ? [`authorized=${b64(o.authorized)}`] : []),
    ...(o.known != null ? [`known=${b64(o.known)}`] : []),
  ].join('\n');
  return sshTrustFact.schema.parse(sshTrustFact.parse(out, 0, undefined));
}

const NODES = [
  { name: 'node1', links: ['10.213.0.11'], roles: ['pacemaker'] },
  { name: 'node2', links: ['10.213.0.12'], roles: ['pacemaker'] },
  { name: 'node3', links: [{ address: '10.213.0.13' }, '10.214.0.13'], roles: ['pacemaker'] },
];
const ARGS = { node: 'node1', nodes: NODES };
const OWN: FactRequest = { fact: 'ssh_trust' };
const peer = (h: string): FactRequest => ({ fact: 'ssh_trust', host: h });
const node2 = fact({ pub: ROOT_PUB('node2', 2), hostKeys: [HOST_RSA(2), HOST_ED(2)] });
const node3 = fact({ pub: ROOT_PUB('node3', 3), hostKeys: [HOST_ED(3)] });

const trust = (own: SshTrustInfo, peers: Array<[string, SshTrustInfo]>): Plan =>
  sshTrustOp.plan(
    sshTrustOp.args.parse(ARGS),
    factValues([OWN, own], ...peers.map(([h, v]) => [peer(h), v] as [FactRequest, unknown])),
  );
const written = (p: Plan) =>
  Object.fromEntries((p.diffs ?? []).map((d) => [d.path.replace('/root/.ssh/', ''), d.after]));

describe('ssh_trust fact', () => {
  it('reads the key, host keys (comment dropped, sorted) and both files; never the private key', () => {
    const f = fact({ pub: ROOT_PUB('node2', 2), hostKeys: [HOST_RSA(2), HOST_ED(2)], authorized: '' });
    expect(f).toEqual({
      home: '/root',
      privateKey: true,
      publicKey: ROOT_PUB('node2', 2),
      hostKeys: [HOST_ED(2), HOST_RSA(2)],
      authorizedKeys: '',
      knownHosts: null,
    });
    expect(sshTrustFact.command(undefined)).not.toMatch(
      /cat[^\n]*id_ed25519(?!\.pub)|base64[^\n]*id_ed25519"/,
    );
  });
});

describe('ssh_root_key', () => {
  const plan = (f: SshTrustInfo) => sshRootKeyOp.plan({ node: 'node1' }, factValues([OWN, f]));
  it('generates an ed25519 key on the node when there is none; keeps an existing one', () => {
    const p = plan(fact({ privateKey: false }));
    expect(p.steps).toEqual([
      {
        kind: 'exec',
        command:
          "install -d -m 0700 /root/.ssh && rm -f -- /root/.ssh/id_ed25519.pub && ssh-keygen -q -t ed25519 -N '' -C root@node1 -f /root/.ssh/id_ed25519",
      },
    ]);
    expect(plan(fact({ pub: ROOT_PUB('node1', 1) })).steps).toEqual([]);
    expect(plan(fact({ pub: null })).steps.map((s) => (s.kind === 'exec' ? s.command : ''))).toEqual([
      'ssh-keygen -y -f /root/.ssh/id_ed25519 > /root/.ssh/id_ed25519.pub',
    ]);
  });
});

describe('ssh_trust', () => {
  it("puts the peers' root keys and host keys (by name and link addresses) in hakit blocks; the operator's lines stay", () => {
    const own = fact({ pub: ROOT_PUB('node1', 1), hostKeys: [HOST_ED(1)], authorized: `${CONTROLLER}\n` });
    const p = trust(own, [
      ['node2', node2],
      ['node3', node3],
    ]);
    const files = written(p);
    expect(files.authorized_keys).toBe(
      [
        CONTROLLER,
        TRUST_BEGIN,
        '# node2',
        ROOT_PUB('node2', 2),
        '# node3',
        ROOT_PUB('node3', 3),
        TRUST_END,
        '',
      ].join('\n'),
    );
    expect(files.known_hosts).toBe(
      [
        TRUST_BEGIN,
        '# node2',
        `node2,10.213.0.12 ${HOST_ED(2)}`,
        `node2,10.213.0.12 ${HOST_RSA(2)}`,
        '# node3',
        `node3,10.213.0.13,10.214.0.13 ${HOST_ED(3)}`,
        TRUST_END,
        '',
      ].join('\n'),
    );
    // Modes: authorized_keys 0600, known_hosts 0644, root's.
    const puts = p.steps.filter((s) => s.kind === 'put');
    expect(puts.map((s) => (s.kind === 'put' ? s.mode : 0))).toEqual([0o600, 0o644]);
    expect(p.steps[0]).toEqual({ kind: 'exec', command: 'install -d -m 0700 /root/.ssh' });

    // The rerun: the files as written → nothing.
    const after = fact({
      pub: ROOT_PUB('node1', 1),
      hostKeys: [HOST_ED(1)],
      authorized: files.authorized_keys,
      known: files.known_hosts,
    });
    expect(
      trust(after, [
        ['node2', node2],
        ['node3', node3],
      ]).steps,
    ).toEqual([]);

    // A peer not read in this run (outside --limit, unreachable) keeps its lines; a changed host key is replaced.
    const rekeyed = fact({ pub: ROOT_PUB('node2', 2), hostKeys: [HOST_ED(7)] });
    const p2 = trust(after, [['node2', rekeyed]]);
    expect(written(p2).authorized_keys).toBeUndefined();
    expect(written(p2).known_hosts).toBe(
      [
        TRUST_BEGIN,
        '# node2',
        `node2,10.213.0.12 ${HOST_ED(7)}`,
        '# node3',
        `node3,10.213.0.13,10.214.0.13 ${HOST_ED(3)}`,
        TRUST_END,
        '',
      ].join('\n'),
    );
    expect(p2.summary).toMatch(/kept as they were for node3/);
  });

  it('a peer whose key is not made yet (under --check) adds nothing for it', () => {
    const own = fact({ pub: ROOT_PUB('node1', 1), authorized: `${CONTROLLER}\n` });
    const p = trust(own, [
      ['node2', fact({ privateKey: false, hostKeys: [HOST_ED(2)] })],
      ['node3', node3],
    ]);
    expect(written(p).authorized_keys).toBe(
      [CONTROLLER, TRUST_BEGIN, '# node3', ROOT_PUB('node3', 3), TRUST_END, ''].join('\n'),
    );
  });

  it('asks every peer for its facts (FactRequest.host)', () => {
    expect(sshTrustOp.facts(sshTrustOp.args.parse(ARGS))).toEqual([OWN, peer('node2'), peer('node3')]);
  });
});
