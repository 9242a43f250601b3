import type { DrbdPeer, DrbdState } from '../../facts/drbd-state.js';

/**
 * One member of a DRBD resource as hakit sees it, from its `drbd_state` fact: what is on its backing disk and
 * whether the resource is up. Pure.
 */
export type MemberStatus =
  | { node: string; kind: 'unread' }
  | { node: string; kind: 'missing-disk'; disk: string; found: string }
  | { node: string; kind: 'up'; role: string; diskState: string | null; peers: DrbdPeer[] }
  | { node: string; kind: 'no-metadata'; disk: string }
  | { node: string; kind: 'data-no-metadata'; disk: string; found: string }
  | { node: string; kind: 'metadata'; disk: string; diskState: string | null; fresh: boolean; found: string }
  | { node: string; kind: 'foreign'; disk: string; found: string }
  | { node: string; kind: 'unknown'; disk: string; found: string };

/** What this member should be: its node-id in the resource and how many peers it has. */
export interface MemberWant {
  node: string;
  disk: string;
  nodeId: number;
  peers: number;
}

/** Disk states that hold a full copy of the data (or did): never a fresh resource. */
export const DATA_STATES = ['UpToDate', 'Consistent', 'Outdated'];

/** drbd's UUID_JUST_CREATED: the current UUID `create-md` writes, until a node is first made UpToDate. */
const UUID_JUST_CREATED = 4n;

/** The fields of a v09 `dump-md` header hakit reads (`max-peers 1;`, `node-id -1;`, `current-uuid 0x…;`). */
export interface MetadataHeader {
  maxPeers: number | null;
  nodeId: number | null;
  currentUuid: bigint | null;
}

export function parseMetadataHeader(header: string): MetadataHeader {
  const num = (re: RegExp) => {
    const m = re.exec(header);
    return m ? Number(m[1]) : null;
  };
  const uuid = /^current-uuid (0x[0-9A-Fa-f]+);/m.exec(header);
  return {
    maxPeers: num(/^max-peers (\d+);/m),
    nodeId: num(/^node-id (-?\d+);/m),
    currentUuid: uuid ? BigInt(uuid[1]!) : null,
  };
}

function describeHeader(h: MetadataHeader, diskState: string | null): string {
  const uuid =
    h.currentUuid === null ? '?' : `0x${h.currentUuid.toString(16).toUpperCase().padStart(16, '0')}`;
  return `DRBD metadata (v09, node-id ${h.nodeId ?? '?'}, max-peers ${h.maxPeers ?? '?'}, current-uuid ${uuid}, disk state ${diskState ?? '?'})`;
}

function describeSignature(sig: Record<string, string>): string | null {
  if (sig.ERROR) return `no DRBD metadata, and blkid cannot tell what else is there (${sig.ERROR})`;
  const what = sig.TYPE ?? (sig.PTTYPE ? `${sig.PTTYPE} partition table` : undefined);
  if (!what) return null;
  return `no DRBD metadata, but blkid finds ${what}${sig.USAGE ? ` (${sig.USAGE})` : ''}${sig.LABEL ? ` labelled ${sig.LABEL}` : ''}`;
}

/** Reads one member's fact (absent: not part of this run, or unreachable). */
export function memberStatus(want: MemberWant, state: DrbdState | undefined): MemberStatus {
  const { node, disk } = want;
  if (!state) return { node, kind: 'unread' };
  const k = state.kernel;
  if (k.kind === 'up') return { node, kind: 'up', role: k.role, diskState: k.diskState, peers: k.peers };
  if (state.disk !== 'block')
    return {
      node,
      kind: 'missing-disk',
      disk,
      found: state.disk === 'missing' ? 'does not exist' : 'exists but is not a block device',
    };
  if (state.otherResources.length)
    return {
      node,
      kind: 'foreign',
      disk,
      found: `the host's DRBD configuration uses this disk for resource ${state.otherResources.join(', ')}`,
    };
  const md = state.metadata;
  if (md === null)
    return {
      node,
      kind: 'unknown',
      disk,
      found:
        k.kind === 'no-tools'
          ? 'drbd-utils is not installed (no drbdsetup/drbdmeta)'
          : 'the metadata device is not a block device',
    };
  if (md.kind === 'unreadable')
    return { node, kind: 'unknown', disk, found: `drbdmeta exit ${md.exitCode}: ${md.message}` };
  if (md.kind === 'none') {
    // Without blkid nothing says the disk is empty: never a reason to create metadata on it.
    if (state.signature === null)
      return {
        node,
        kind: 'unknown',
        disk,
        found: 'no DRBD metadata, and no blkid to tell whether it holds data',
      };
    const data = describeSignature(state.signature);
    return data ? { node, kind: 'data-no-metadata', disk, found: data } : { node, kind: 'no-metadata', disk };
  }
  const h = parseMetadataHeader(md.header);
  const found = md.unclean
    ? 'DRBD metadata marked "unclean" (its activity log was not applied)'
    : describeHeader(h, md.diskState);
  if (h.nodeId !== null && h.nodeId !== -1 && h.nodeId !== want.nodeId)
    return {
      node,
      kind: 'foreign',
      disk,
      found: `${found}: written for another resource or layout (this resource gives ${node} node-id ${want.nodeId})`,
    };
  if (h.maxPeers !== null && h.maxPeers < want.peers)
    return {
      node,
      kind: 'foreign',
      disk,
      found: `${found}: room for ${h.maxPeers} peer(s), this resource has ${want.peers}`,
    };
  const fresh =
    !md.unclean &&
    md.diskState === 'Inconsistent' &&
    h.currentUuid !== null &&
    (h.currentUuid & ~1n) === UUID_JUST_CREATED;
  return { node, kind: 'metadata', disk, diskState: md.diskState, fresh, found };
}

/** Whether this member shows data anywhere: its own disk, or (when up) a peer's, or a Primary. */
export function showsData(m: MemberStatus): boolean {
  switch (m.kind) {
    case 'up':
      return (
        m.role === 'Primary' ||
        DATA_STATES.includes(m.diskState ?? '') ||
        m.peers.some((p) => p.role === 'Primary' || DATA_STATES.includes(p.diskState ?? ''))
      );
    case 'metadata':
      return !m.fresh;
    case 'data-no-metadata':
    case 'foreign':
      return true;
    default:
      return false;
  }
}

/** Fresh: no metadata yet, just-created metadata, or up and Inconsistent with no data seen anywhere. */
export function isFresh(m: MemberStatus): boolean {
  if (m.kind === 'no-metadata') return true;
  if (m.kind === 'metadata') return m.fresh;
  if (m.kind === 'up') return m.diskState === 'Inconsistent' && !showsData(m);
  return false;
}

/** One line for messages: `NODE: DISK: what was found`. */
export function describeMember(m: MemberStatus): string {
  switch (m.kind) {
    case 'unread':
      return `${m.node}: not read in this run (unreachable, or outside --limit)`;
    case 'up':
      return `${m.node}: up, ${m.role}, disk ${m.diskState ?? '?'}${m.peers.map((p) => `; ${p.name} ${p.connection} ${p.role ?? '?'} ${p.diskState ?? '?'}`).join('')}`;
    case 'no-metadata':
      return `${m.node}: ${m.disk}: no DRBD metadata, no data signature`;
    case 'missing-disk':
      return `${m.node}: ${m.disk}: ${m.found}`;
    default:
      return `${m.node}: ${m.disk}: ${m.found}`;
  }
}
