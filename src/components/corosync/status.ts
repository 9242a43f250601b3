/**
 * Parsers of what corosync's tools print on a running member (corosync 3.1): `corosync-quorumtool -s`,
 * `corosync-cfgtool -s` and `corosync-cmapctl`. Pure; they throw an Error saying what was not understood.
 */

export interface QuorumMember {
  nodeid: number;
  votes: number;
  name: string;
  local: boolean;
}

export interface QuorumStatus {
  quorate: boolean;
  /** Node ID of the member that answered. */
  nodeId: number | null;
  expectedVotes: number | null;
  totalVotes: number | null;
  quorum: number | null;
  /** Flags line words: Quorate, 2Node, WaitForAll, LastManStanding, AutoTieBreaker, Qdevice, … */
  flags: string[];
  members: QuorumMember[];
  /** Votes of the quorum device, when one is configured (its `0 … Qdevice` membership line). */
  qdeviceVotes: number | null;
}

const num = (v: string | undefined): number | null => {
  if (v === undefined) return null;
  const m = /^\s*(\d+)/.exec(v);
  return m ? Number(m[1]) : null;
};

/** `corosync-quorumtool -s`. Throws when corosync does not answer (its message is the error). */
export function parseQuorumStatus(text: string): QuorumStatus {
  const fields = new Map<string, string>();
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  for (const l of lines) {
    const m = /^([A-Za-z][A-Za-z ]*):\s*(.*)$/.exec(l);
    if (m) fields.set(m[1]!.trim(), m[2]!.trim());
  }
  if (!fields.has('Quorate'))
    throw new Error(
      `corosync-quorumtool did not report quorum${text.trim() ? `: ${text.trim().split('\n').slice(0, 2).join(' ')}` : ''}`,
    );
  const members: QuorumMember[] = [];
  let qdeviceVotes: number | null = null;
  const head = lines.findIndex((l) => /^\s*Nodeid\s+Votes\b/.test(l));
  if (head >= 0) {
    const cols = lines[head]!.trim().split(/\s+/);
    const hasQdeviceColumn = cols.includes('Qdevice');
    for (const l of lines.slice(head + 1)) {
      if (!l.trim()) break;
      const parts = l.trim().split(/\s+/);
      const nodeid = Number(parts[0]);
      const votes = Number(parts[1]);
      if (!Number.isInteger(nodeid) || !Number.isInteger(votes)) break;
      const rest = parts.slice(hasQdeviceColumn ? 3 : 2);
      if (nodeid === 0 && rest[0] === 'Qdevice') {
        qdeviceVotes = votes;
        continue;
      }
      const local = rest.includes('(local)');
      const name = rest.filter((w) => w !== '(local)').join(' ');
      members.push({ nodeid, votes, name, local });
    }
  }
  return {
    quorate: /^Yes\b/.test(fields.get('Quorate') ?? ''),
    nodeId: num(fields.get('Node ID')),
    expectedVotes: num(fields.get('Expected votes')),
    totalVotes: num(fields.get('Total votes')),
    quorum: num(fields.get('Quorum')),
    flags: (fields.get('Flags') ?? '').split(/\s+/).filter(Boolean),
    members,
    qdeviceVotes,
  };
}

export interface LinkPeer {
  nodeid: number;
  /** localhost, connected, disconnected, … as printed. */
  status: string;
}

export interface KnetLink {
  link: number;
  address: string | null;
  peers: LinkPeer[];
}

export interface LinkStatus {
  localNodeId: number | null;
  links: KnetLink[];
}

/** `corosync-cfgtool -s` (knet): one block per link, a status line per node. */
export function parseLinkStatus(text: string): LinkStatus {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const local = /Local node ID (\d+)/.exec(text);
  const links: KnetLink[] = [];
  let current: KnetLink | undefined;
  for (const l of lines) {
    const link = /^LINK ID (\d+)/.exec(l.trim());
    if (link) {
      current = { link: Number(link[1]), address: null, peers: [] };
      links.push(current);
      continue;
    }
    if (!current) continue;
    const addr = /^addr\s*=\s*(\S+)/.exec(l.trim());
    if (addr) {
      current.address = addr[1]!;
      continue;
    }
    const peer = /^nodeid:?\s*(\d+):\s*(.+)$/.exec(l.trim());
    if (peer) current.peers.push({ nodeid: Number(peer[1]), status: peer[2]!.trim() });
  }
  if (!local || links.length === 0)
    throw new Error(
      `corosync-cfgtool -s printed no link status${text.trim() ? `: ${text.trim().split('\n').slice(0, 2).join(' ')}` : ''}`,
    );
  return { localNodeId: Number(local[1]), links };
}

/** A peer status line that means the link to that node is up. */
export function linkUp(status: string): boolean {
  return /^(localhost|connected)\b/.test(status);
}

/** `corosync-cmapctl [prefix]` lines: `key (type) = value` → key → value. */
export function parseCmap(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const l of text.split('\n')) {
    const m = /^(\S+) \([a-z0-9]+\) = (.*)$/.exec(l.replace(/\r$/, ''));
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

export interface KnetLatency {
  nodeid: number;
  link: number;
  /** Microseconds, as knet reports them. */
  averageUs: number | null;
  maxUs: number | null;
  connected: boolean | null;
}

/** knet link statistics from `corosync-cmapctl -m stats stats.knet.`: one entry per (peer node, link). */
export function knetLatencies(cmap: Map<string, string>): KnetLatency[] {
  const byKey = new Map<string, KnetLatency>();
  for (const [key, value] of cmap) {
    const m = /^stats\.knet\.node(\d+)\.link(\d+)\.(latency_ave|latency_max|connected)$/.exec(key);
    if (!m) continue;
    const k = `${m[1]}/${m[2]}`;
    const e = byKey.get(k) ?? {
      nodeid: Number(m[1]),
      link: Number(m[2]),
      averageUs: null,
      maxUs: null,
      connected: null,
    };
    const n = Number(value);
    if (m[3] === 'latency_ave') e.averageUs = Number.isFinite(n) ? n : null;
    else if (m[3] === 'latency_max') e.maxUs = Number.isFinite(n) ? n : null;
    else e.connected = value === '1';
    byKey.set(k, e);
  }
  return [...byKey.values()].sort((a, b) => a.nodeid - b.nodeid || a.link - b.link);
}
