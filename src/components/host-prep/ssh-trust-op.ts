import { z } from 'zod';
import type { SshTrustInfo } from '../../facts/ssh-trust.js';
import { need } from '../../ops/common.js';
import { PlanError } from '../../ops/errors.js';
import {
  type FactRequest,
  type FactValues,
  type FileDiff,
  factKey,
  type Operation,
  type Plan,
  type Step,
} from '../../ops/types.js';
import { installScript, tempPathFor } from '../../ops/write-file.js';
import { shq } from '../../shell/posix.js';

const TRUST: FactRequest = { fact: 'ssh_trust' };
const nodeNameRe = /^[A-Za-z0-9._-]+$/;

/** The managed block of root's authorized_keys and known_hosts (both files take `#` comment lines). */
export const TRUST_BEGIN =
  '# BEGIN hakit ssh trust (the cluster nodes; managed by hakit, edits are overwritten)';
export const TRUST_END = '# END hakit ssh trust';

export const sshRootKeyArgs = z.strictObject({
  /** The host running the task (`"{{ host }}"`), for the key's comment. */
  node: z.string().regex(nodeNameRe),
});
type SshRootKeyArgs = z.infer<typeof sshRootKeyArgs>;

/**
 * root's SSH key on the node: `~root/.ssh/id_ed25519`, generated on the node (no passphrase, comment root@NODE)
 * when missing; its public half written again from it when only that is missing. The private key never leaves
 * the node and is never read by hakit. An existing key is kept as it is.
 */
export const sshRootKeyOp: Operation<SshRootKeyArgs> = {
  name: 'ssh_root_key',
  args: sshRootKeyArgs,
  facts: () => [TRUST],
  plan(a, facts): Plan {
    const t = need<SshTrustInfo>('ssh_root_key', facts, TRUST);
    const dir = `${t.home}/.ssh`;
    const key = `${dir}/id_ed25519`;
    if (!t.privateKey)
      return {
        steps: [
          {
            kind: 'exec',
            command: `install -d -m 0700 ${shq(dir)} && rm -f -- ${shq(`${key}.pub`)} && ssh-keygen -q -t ed25519 -N '' -C ${shq(`root@${a.node}`)} -f ${shq(key)}`,
          },
        ],
        summary: `root's SSH key generated (${key}, ed25519)`,
        touches: { tree: [dir] },
      };
    if (t.publicKey === null)
      return {
        steps: [{ kind: 'exec', command: `ssh-keygen -y -f ${shq(key)} > ${shq(`${key}.pub`)}` }],
        summary: `${key}.pub written from the private key`,
        touches: { tree: [dir] },
      };
    return { steps: [] };
  },
};

const peerNode = z.looseObject({
  name: z.string().regex(nodeNameRe),
  links: z.array(z.union([z.string(), z.looseObject({ address: z.string() })])),
});

export const sshTrustArgs = z.strictObject({
  /** The host running the task (`"{{ host }}"`). */
  node: z.string().regex(nodeNameRe),
  /** The inventory's nodes (`"{{ inventory.nodes }}"`, with their links): every other one is a peer. */
  nodes: z.array(peerNode),
});
type SshTrustArgs = z.infer<typeof sshTrustArgs>;

const peersOf = (a: SshTrustArgs) => a.nodes.filter((n) => n.name !== a.node);
const peerRequest = (name: string): FactRequest => ({ fact: 'ssh_trust', host: name });

/** The names a peer is reached by in the cluster: its node name and its link addresses. */
export function peerNames(n: z.infer<typeof peerNode>): string[] {
  return [n.name, ...n.links.map((l) => (typeof l === 'string' ? l : l.address))];
}

interface Block {
  /** The lines of each peer (under its `# NAME` line) in the current block. */
  peers: Map<string, string[]>;
}

/** The hakit block of a file: its lines per peer. */
export function readBlock(content: string | null): Block {
  const peers = new Map<string, string[]>();
  if (!content) return { peers };
  const ls = content.split('\n');
  const b = ls.indexOf(TRUST_BEGIN);
  const e = ls.indexOf(TRUST_END, b + 1);
  if (b < 0 || e < 0) return { peers };
  let cur: string[] | undefined;
  for (const l of ls.slice(b + 1, e)) {
    if (l.startsWith('# ')) {
      cur = [];
      peers.set(l.slice(2).trim(), cur);
    } else if (l.trim() && cur) cur.push(l);
  }
  return { peers };
}

/** `content` with its hakit block replaced by `block` (appended when it has none; removed when `block` is empty). */
export function withBlock(content: string | null, block: string[]): string {
  const ls = (content ?? '').split('\n');
  if (ls.at(-1) === '') ls.pop();
  const b = ls.indexOf(TRUST_BEGIN);
  const e = b < 0 ? -1 : ls.indexOf(TRUST_END, b + 1);
  const body = block.length ? [TRUST_BEGIN, ...block, TRUST_END] : [];
  const out = b >= 0 && e >= 0 ? [...ls.slice(0, b), ...body, ...ls.slice(e + 1)] : [...ls, ...body];
  return out.length ? `${out.join('\n')}\n` : '';
}

/**
 * Each peer's lines: from its fact when the run read it (`fresh` returns them), else the lines the block already
 * holds for it (a peer outside --limit, unreachable, or whose key is not made yet under --check keeps its trust).
 */
function blockLines(
  a: SshTrustArgs,
  old: Block,
  facts: FactValues,
  fresh: (peer: z.infer<typeof peerNode>, info: SshTrustInfo) => string[] | null,
): { lines: string[]; unknown: string[] } {
  const out: string[] = [];
  const unknown: string[] = [];
  for (const p of peersOf(a)) {
    const info = facts.get(factKey(peerRequest(p.name))) as SshTrustInfo | undefined;
    const got = info ? fresh(p, info) : null;
    if (got === null) unknown.push(p.name);
    const ls = got ?? old.peers.get(p.name) ?? [];
    if (ls.length) out.push(`# ${p.name}`, ...ls);
  }
  return { lines: out, unknown };
}

function writeSteps(path: string, content: string, mode: string): Step[] {
  const tmp = tempPathFor(path, content);
  return [
    { kind: 'put', path: tmp, content, mode: Number.parseInt(mode, 8) },
    { kind: 'exec', command: installScript({ tmp, dest: path, mode, chown: 'root:root' }) },
  ];
}

/**
 * Root SSH trust between the nodes, on one node: every peer's root public key in the block hakit manages in
 * ~root/.ssh/authorized_keys (0600), and every peer's host keys in its block of ~root/.ssh/known_hosts (0644),
 * each under the names the cluster uses for the peer (node name and link addresses), so `ssh root@PEER` works
 * with StrictHostKeyChecking on. Lines outside the block are left alone. Peers' keys come from their `ssh_trust`
 * facts (FactRequest.host); a peer whose facts the run cannot read keeps the lines it already has. Only a file
 * that differs is written: a rerun changes nothing.
 */
export const sshTrustOp: Operation<SshTrustArgs> = {
  name: 'ssh_trust',
  args: sshTrustArgs,
  facts: (a) => [TRUST, ...peersOf(a).map((p) => peerRequest(p.name))],
  plan(a, facts): Plan {
    if (!a.nodes.some((n) => n.name === a.node))
      throw new PlanError('ssh_trust', `${a.node} is not a node of the inventory`);
    const own = need<SshTrustInfo>('ssh_trust', facts, TRUST);
    const dir = `${own.home}/.ssh`;
    const auth = blockLines(a, readBlock(own.authorizedKeys), facts, (_p, i) =>
      i.publicKey ? [i.publicKey] : null,
    );
    const known = blockLines(a, readBlock(own.knownHosts), facts, (p, i) =>
      i.hostKeys.length ? i.hostKeys.map((k) => `${peerNames(p).join(',')} ${k}`) : null,
    );
    const files = [
      { path: `${dir}/authorized_keys`, before: own.authorizedKeys, lines: auth.lines, mode: '0600' },
      { path: `${dir}/known_hosts`, before: own.knownHosts, lines: known.lines, mode: '0644' },
    ];
    const steps: Step[] = [];
    const diffs: FileDiff[] = [];
    for (const f of files) {
      const after = withBlock(f.before, f.lines);
      if (after === (f.before ?? '')) continue;
      if (!steps.length) steps.push({ kind: 'exec', command: `install -d -m 0700 ${shq(dir)}` });
      steps.push(...writeSteps(f.path, after, f.mode));
      diffs.push({ path: f.path, before: f.before, after });
    }
    if (!steps.length) return { steps };
    const unknown = [...new Set([...auth.unknown, ...known.unknown])];
    return {
      steps,
      diffs,
      summary: `root SSH trust: ${diffs.map((d) => d.path).join(', ')} updated${unknown.length ? ` (kept as they were for ${unknown.join(', ')}: keys not readable in this run)` : ''}`,
    };
  },
};
