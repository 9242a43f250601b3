import { describe, expect, it } from 'vitest';
import { DrbdRefusalError } from '../../../src/components/drbd/refusal.js';
import { HakitError } from '../../../src/errors/index.js';
import { registryOps } from '../../../src/executor/registries.js';
import type { DrbdState } from '../../../src/facts/drbd-state.js';
import type { AnyOperation, FactRequest, Plan } from '../../../src/ops/types.js';
import { commands, factValues } from '../../ops/helpers.js';
import { b64, parseState, stateFixture, statusFixture } from './support.js';

/**
 * The command sequence drbd_init and drbd_initial_primary decide from every member's drbd_state. Member states
 * are the snippet's output captured on this machine (fixtures/state, see fixtures/README.md) or, for a resource
 * that is up, the documented `drbdsetup status --json` format (fixtures/status).
 */

const DISK = '/dev/loop0';
const shared = (members: unknown[]) => ({
  resources: [{ name: 'shared', device: '/dev/drbd1', disk: DISK, meta_disk: 'internal', members }],
});
const TWO = shared(['fs1', 'fs2']);
const THREE = shared(['fs1', 'fs2', 'fs3']);

const req = (host: string, disk = DISK): FactRequest => ({
  fact: 'drbd_state',
  args: { resource: 'shared', minor: 1, disk, meta_disk: 'internal' },
  host,
});

const fx = (name: string): DrbdState => parseState(stateFixture(name));
const BLANK = fx('blank-disk.out');
const FRESH_MD = fx('fresh-metadata.out');
const DATA_MD = fx('uptodate-metadata-node0.out');
const NODE2_MD = fx('metadata-node2.out');
const EXT4 = fx('ext4-no-metadata.out');
const MISSING = fx('missing-disk.out');
/** Up: UpToDate and connected to an UpToDate peer (a healthy resource, a rerun). */
const HEALTHY = parseState(`B|block\nS|0|${b64(statusFixture('connected-uptodate.json'))}\n`);
/** Up after drbd_init: Inconsistent, the peer not connected yet. */
const UP_FRESH = parseState(`B|block\nS|0|${b64(statusFixture('up-inconsistent-connecting.json'))}\n`);

type States = Record<string, DrbdState | undefined>;

const op = (name: string) => registryOps.get(name) as AnyOperation;
const factsFor = (name: string, args: unknown) => op(name).facts(op(name).args.parse(args));
const planOp = (name: string, args: unknown, ...pairs: Array<[FactRequest, unknown]>) =>
  op(name).plan(op(name).args.parse(args), factValues(...pairs));

function plan(op: string, node: string, drbd: unknown, states: States): Plan {
  const pairs = Object.entries(states)
    .filter((e): e is [string, DrbdState] => e[1] !== undefined)
    .map(([host, s]): [FactRequest, unknown] => [req(host), s]);
  return planOp(op, { node, drbd }, ...pairs);
}

const init = (node: string, states: States, drbd: unknown = TWO) =>
  commands(plan('drbd_init', node, drbd, states));
const primary = (node: string, states: States, drbd: unknown = TWO) =>
  plan('drbd_initial_primary', node, drbd, states).steps.map((s) =>
    s.kind === 'exec' ? (s.display ?? s.command) : s.path,
  );

function refusal(op: string, node: string, states: States, drbd: unknown = TWO): DrbdRefusalError {
  try {
    plan(op, node, drbd, states);
  } catch (e) {
    expect(e).toBeInstanceOf(DrbdRefusalError);
    expect(e).toBeInstanceOf(HakitError);
    expect((e as HakitError).exitCode).toBe(4);
    return e as DrbdRefusalError;
  }
  throw new Error(`expected ${op} on ${node} to refuse`);
}

const CREATE = 'drbdadm create-md --force shared';
const UP = 'drbdadm up shared';
const FIRST = [
  'wait until shared is connected to its 1 peer(s) (at most 120 s)',
  'drbdadm primary --force shared',
  'drbdadm secondary shared',
];

describe('drbd_init and drbd_initial_primary: facts', () => {
  it('every member of each resource the node is in, gathered on that member; nothing for a non-member', () => {
    expect(factsFor('drbd_init', { node: 'fs2', drbd: TWO })).toEqual([req('fs1'), req('fs2')]);
    const own = shared(['fs1', { node: 'fs2', disk: '/dev/vdc' }]);
    expect(factsFor('drbd_initial_primary', { node: 'fs1', drbd: own })).toEqual([
      req('fs1'),
      req('fs2', '/dev/vdc'),
    ]);
    expect(factsFor('drbd_init', { node: 'db1', drbd: TWO })).toEqual([]);
    expect(plan('drbd_init', 'db1', TWO, {}).steps).toEqual([]);
  });
});

describe('a fresh resource: no metadata anywhere', () => {
  const states = { fs1: BLANK, fs2: BLANK };

  it('create-md then up on every member', () => {
    expect(init('fs1', states)).toEqual([CREATE, UP]);
    expect(init('fs2', states)).toEqual([CREATE, UP]);
  });

  it('the first member alone waits for its peer, is promoted once with --force, and goes back to Secondary', () => {
    expect(primary('fs1', states)).toEqual(FIRST);
    expect(primary('fs2', states)).toEqual([]);
    // As the task sees it after drbd_init: its own state re-read (up, Inconsistent), the peer's from before.
    expect(primary('fs1', { fs1: UP_FRESH, fs2: BLANK })).toEqual(FIRST);
    const wait = plan('drbd_initial_primary', 'fs1', TWO, states).steps[0];
    expect(wait?.kind === 'exec' && wait.command).toContain(
      `grep -c '"connection-state": *"Connected"')" -lt 1 ]`,
    );
  });

  it('a member not read in this run: create-md and up elsewhere, but no promotion (it may hold the data)', () => {
    expect(init('fs1', { fs1: BLANK })).toEqual([CREATE, UP]);
    const e = refusal('drbd_initial_primary', 'fs1', { fs1: BLANK });
    expect(e.message).toContain('fs2: not read in this run');
    // Only the first member decides: another member never refuses (e.g. --limit on a member being added).
    expect(primary('fs2', { fs2: BLANK })).toEqual([]);
  });
});

describe('metadata present, of this resource', () => {
  it('just created (a run stopped after create-md): up only, never create-md again; still fresh', () => {
    const states = { fs1: FRESH_MD, fs2: BLANK };
    expect(init('fs1', states)).toEqual([UP]);
    expect(init('fs2', states)).toEqual([CREATE, UP]);
    expect(primary('fs1', states)).toEqual(FIRST);
  });

  it('metadata that records data (UpToDate): no create-md, no up (Pacemaker starts it), no promotion', () => {
    const states = { fs1: DATA_MD, fs2: FRESH_MD };
    expect(init('fs1', states)).toEqual([]);
    expect(init('fs2', states)).toEqual([UP]);
    expect(primary('fs1', states)).toEqual([]);
    // A member re-created next to one that holds data: it syncs from the peer, nobody is forced.
    expect(init('fs2', { fs1: DATA_MD, fs2: BLANK })).toEqual([CREATE, UP]);
    expect(primary('fs1', { fs1: DATA_MD, fs2: BLANK })).toEqual([]);
    // The same metadata on fs2 (node-id 1 there) says node-id 0: another layout, refused.
    expect(refusal('drbd_init', 'fs1', { fs1: BLANK, fs2: DATA_MD }).message).toContain(
      'gives fs2 node-id 1',
    );
  });
});

describe('already connected and UpToDate (a rerun)', () => {
  it('plans nothing on any member', () => {
    const states = { fs1: HEALTHY, fs2: HEALTHY };
    for (const n of ['fs1', 'fs2']) {
      expect(init(n, states)).toEqual([]);
      expect(primary(n, states)).toEqual([]);
    }
  });

  it('a peer seen UpToDate by an up member is data: a blank member is only created and brought up', () => {
    expect(init('fs2', { fs1: HEALTHY, fs2: BLANK })).toEqual([CREATE, UP]);
    expect(primary('fs1', { fs1: HEALTHY, fs2: BLANK })).toEqual([]);
  });
});

describe('refusals: nothing is initialised on any member', () => {
  it('metadata of another resource (written as node-id 2, this resource gives fs1 node-id 0)', () => {
    const states = { fs1: NODE2_MD, fs2: BLANK };
    for (const [op, node] of [
      ['drbd_init', 'fs1'],
      ['drbd_init', 'fs2'],
      ['drbd_initial_primary', 'fs1'],
    ] as const) {
      const e = refusal(op, node, states);
      expect(e.message).toContain(
        'DRBD resource shared: a backing disk holds DRBD metadata of another resource',
      );
      expect(e.message).toContain(
        'fs1: /dev/loop0: DRBD metadata (v09, node-id 2, max-peers 1, current-uuid 0x0000000000000004, disk state Inconsistent): written for another resource or layout (this resource gives fs1 node-id 0)',
      );
      expect(e.message).toContain('hakit never overwrites DRBD metadata');
    }
  });

  it('the disk is used by another resource of the host configuration', () => {
    const other: DrbdState = { ...BLANK, otherResources: ['old'] };
    const e = refusal('drbd_init', 'fs2', { fs1: other, fs2: BLANK });
    expect(e.message).toContain(
      "fs1: /dev/loop0: the host's DRBD configuration uses this disk for resource old",
    );
  });

  it('a filesystem and no DRBD metadata: never create-md over it', () => {
    const e = refusal('drbd_init', 'fs1', { fs1: EXT4, fs2: BLANK });
    expect(e.message).toContain('a backing disk holds data but no DRBD metadata');
    expect(e.message).toContain('fs1: /dev/loop0: no DRBD metadata, but blkid finds ext4 (filesystem)');
    expect(e.message).toContain('Nothing was initialised');
  });

  it('no metadata and nothing that says the disk is empty (blkid missing or ambivalent): refused', () => {
    const noBlkid: DrbdState = { ...BLANK, signature: null };
    expect(refusal('drbd_init', 'fs1', { fs1: noBlkid, fs2: BLANK }).message).toContain(
      'fs1: /dev/loop0: no DRBD metadata, and no blkid to tell whether it holds data',
    );
    const ambivalent: DrbdState = { ...BLANK, signature: { ERROR: 'blkid exit 8' } };
    expect(refusal('drbd_init', 'fs2', { fs1: ambivalent, fs2: BLANK }).message).toContain(
      'blkid cannot tell what else is there (blkid exit 8)',
    );
  });

  it('a backing disk that does not exist stops every member, naming node and disk', () => {
    for (const node of ['fs1', 'fs2']) {
      const e = refusal('drbd_init', node, { fs1: BLANK, fs2: MISSING });
      expect(e.message).toMatch(
        /^DRBD resource shared: a backing disk does not exist\n {2}fs2: \/dev\/loop0: does not exist$/m,
      );
      expect(e.findings).toEqual(['fs2: /dev/loop0: does not exist']);
    }
  });
});

describe('a 3-node resource', () => {
  const states = { fs1: BLANK, fs2: BLANK, fs3: BLANK };

  it('create-md and up on the three; the first waits for both peers before the promotion', () => {
    for (const n of ['fs1', 'fs2', 'fs3']) expect(init(n, states, THREE)).toEqual([CREATE, UP]);
    expect(primary('fs1', states, THREE)).toEqual([
      'wait until shared is connected to its 2 peer(s) (at most 120 s)',
      'drbdadm primary --force shared',
      'drbdadm secondary shared',
    ]);
    expect(primary('fs3', states, THREE)).toEqual([]);
  });

  it('metadata made for a 2-node resource (max-peers 1) has no room for two peers: refused', () => {
    const e = refusal('drbd_init', 'fs1', { fs1: BLANK, fs2: FRESH_MD, fs3: BLANK }, THREE);
    expect(e.message).toContain('room for 1 peer(s), this resource has 2');
  });
});
