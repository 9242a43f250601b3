import { describeMember, isFresh, type MemberStatus } from './member-state.js';
import { DrbdRefusalError } from './refusal.js';

/**
 * The one-time DRBD steps of one resource, decided from every member's state (pure). Every member computes the
 * same decision from the same facts; each runs only its own steps:
 *
 * - `create-md` only where the backing disk holds neither DRBD metadata nor any other signature, then `up`
 *   where the resource is not up yet and was never initialised (`drbdadm up` attaches the existing metadata,
 *   never rewrites it); a member that holds data is left to Pacemaker;
 * - the initial promotion (`primary --force`, then `secondary`: Pacemaker's promotable clone decides the
 *   Primary from then on) on the FIRST member in inventory order, and only when every member is fresh: no
 *   metadata yet, or just-created metadata (Inconsistent, UUID_JUST_CREATED), or up and Inconsistent with no
 *   UpToDate/Consistent/Outdated disk and no Primary seen anywhere. Once any member holds data this never
 *   happens again: a rerun plans nothing.
 */
export type DrbdStep =
  | { node: string; kind: 'create-md' | 'up' | 'primary-force' | 'secondary' }
  | { node: string; kind: 'wait-connected'; peers: number };

const REMEDIES: Record<string, string> = {
  'missing-disk':
    'create the backing disk (e.g. the logical volume) on that node, or fix `disk` of the resource or member in the inventory',
  foreign:
    'point the resource (or the member) at the right disk; if the old DRBD data is not needed, wipe it there yourself (`drbdadm down OTHER`, then `wipefs -a DISK`): hakit never overwrites DRBD metadata',
  'data-no-metadata':
    'check what is on that disk; DRBD with internal metadata would overwrite its end. If the data is not needed, wipe it yourself (`wipefs -a DISK`); to keep a filesystem, see "Converting an existing file system" in the DRBD user guide (external metadata or a shrunk filesystem)',
  unknown:
    'install drbd-utils (the packages step) and read the disk yourself: `drbdmeta MINOR v09 DISK internal dump-md`',
};

const PROBLEMS: Record<string, string> = {
  'missing-disk': 'a backing disk does not exist',
  foreign: 'a backing disk holds DRBD metadata of another resource',
  'data-no-metadata': 'a backing disk holds data but no DRBD metadata (create-md would overwrite it)',
  unknown: 'the DRBD metadata of a backing disk cannot be read',
};

/** Refuses when any member read in this run has a problem that makes any initialisation unsafe. */
export function refuseBlocked(resource: string, members: readonly MemberStatus[]): void {
  const blocked = members.filter((m) => m.kind in REMEDIES);
  if (!blocked.length) return;
  const kinds = [...new Set(blocked.map((m) => m.kind))];
  const problem = kinds.length > 1 ? 'several members cannot be initialised' : PROBLEMS[kinds[0]!]!;
  throw new DrbdRefusalError(
    resource,
    problem,
    blocked.map(describeMember),
    kinds.map((k) => REMEDIES[k]!),
  );
}

/**
 * create-md where nothing is on the disk; up where the resource is not up and not initialised yet (no metadata,
 * or just-created metadata). A member whose metadata records data and that is down is Pacemaker's to start
 * (it may have stopped it on purpose: standby, a ban): no step.
 */
export function initSteps(resource: string, members: readonly MemberStatus[]): DrbdStep[] {
  refuseBlocked(resource, members);
  const steps: DrbdStep[] = [];
  for (const m of members) {
    if (m.kind === 'no-metadata') steps.push({ node: m.node, kind: 'create-md' });
    if (m.kind === 'no-metadata' || (m.kind === 'metadata' && m.fresh))
      steps.push({ node: m.node, kind: 'up' });
  }
  return steps;
}

/**
 * The initial promotion on the first member, only on a fresh resource (see above). A fresh-looking resource
 * with a member that could not be read is refused: that member may hold the only copy of the data.
 */
export function initialPrimarySteps(resource: string, members: readonly MemberStatus[]): DrbdStep[] {
  refuseBlocked(resource, members);
  const first = members[0];
  if (!first || !members.every((m) => m.kind === 'unread' || isFresh(m))) return [];
  const unread = members.filter((m) => m.kind === 'unread');
  if (unread.length)
    throw new DrbdRefusalError(
      resource,
      'the initial promotion needs every member read (one not read may hold the data)',
      members.map(describeMember),
      ['run hakit bootstrap with every member of the resource reachable (no --limit that leaves one out)'],
    );
  return [
    { node: first.node, kind: 'wait-connected', peers: members.length - 1 },
    { node: first.node, kind: 'primary-force' },
    { node: first.node, kind: 'secondary' },
  ];
}
