import { z } from 'zod';
import type { DrbdState, DrbdStateArgs } from '../../facts/drbd-state.js';
import { PlanError } from '../../ops/errors.js';
import {
  type FactRequest,
  type FactValues,
  factKey,
  type Operation,
  type Plan,
  type Step,
} from '../../ops/types.js';
import { shq } from '../../shell/posix.js';
import { type DrbdStep, initialPrimarySteps, initSteps } from './init-plan.js';
import { type MemberStatus, memberStatus } from './member-state.js';

/**
 * DRBD's one-time steps as playbook operations. Every member runs the same operation with every member's
 * `drbd_state` (FactRequest.host: gathered on that member, one round trip each), so every member computes the
 * same decision (init-plan.ts) and runs only its own steps:
 *
 * - `drbd_init`: `drbdadm create-md --force RES` where the disk holds nothing, `drbdadm up RES` where the
 *   resource is not up. Refusals (a missing disk, metadata of another resource, data without metadata) stop
 *   every member before anything runs.
 * - `drbd_initial_primary`: on a fresh resource only, the first member waits (bounded) until it is connected to
 *   every peer, then `drbdadm primary --force RES` and `drbdadm secondary RES`: the initial sync runs, and
 *   Pacemaker's promotable clone decides the Primary. Run it after `drbd_init`.
 *
 * Both plan nothing on a resource whose members hold data (a rerun: changed=0).
 */

const nodeName = z.string().regex(/^[A-Za-z0-9._-]+$/);

const member = z.union([
  nodeName,
  z.looseObject({ node: nodeName, disk: z.string().startsWith('/').nullish() }),
]);

const resource = z.looseObject({
  name: z.string().regex(/^[A-Za-z0-9_-]+$/),
  device: z.string().regex(/^\/dev\/drbd\d+$/),
  minor: z.number().int().min(0).nullish(),
  disk: z.string().startsWith('/'),
  meta_disk: z.string().default('internal'),
  members: z.array(member).min(2),
});

export const drbdArgs = z.strictObject({
  /** The host running the task (`"{{ host }}"`). */
  node: nodeName,
  /** The inventory's drbd section (`"{{ inventory.drbd }}"`). */
  drbd: z.looseObject({ resources: z.array(resource) }),
  /** Seconds the first member waits for its peers before the initial promotion. */
  timeout: z.number().int().min(1).max(3600).default(120),
});
type DrbdArgs = z.infer<typeof drbdArgs>;
type Resource = z.infer<typeof resource>;

const memberName = (m: Resource['members'][number]) => (typeof m === 'string' ? m : m.node);

/** The `drbd_state` arguments of one member (its own disk, when the member names one). */
function stateArgs(r: Resource, m: Resource['members'][number]): DrbdStateArgs {
  const disk = (typeof m === 'string' ? undefined : m.disk) ?? r.disk;
  const minor = r.minor ?? Number(/(\d+)$/.exec(r.device)?.[1] ?? 0);
  const meta_disk = r.meta_disk === 'internal' ? 'internal' : r.meta_disk;
  return { resource: r.name, minor, disk, meta_disk };
}

const request = (r: Resource, m: Resource['members'][number]): FactRequest => ({
  fact: 'drbd_state',
  args: stateArgs(r, m),
  host: memberName(m),
});

/** The resources this node is a member of, in inventory order. */
const mine = (a: DrbdArgs) => a.drbd.resources.filter((r) => r.members.map(memberName).includes(a.node));

function facts(a: DrbdArgs): FactRequest[] {
  return mine(a).flatMap((r) => r.members.map((m) => request(r, m)));
}

function statuses(r: Resource, values: FactValues): MemberStatus[] {
  return r.members.map((m, i) =>
    memberStatus(
      { node: memberName(m), disk: stateArgs(r, m).disk, nodeId: i, peers: r.members.length - 1 },
      values.get(factKey(request(r, m))) as DrbdState | undefined,
    ),
  );
}

function waitConnected(res: string, peers: number, timeout: number): string {
  const r = shq(res);
  return [
    `n=0; while [ "$(drbdsetup status ${r} --json 2>/dev/null | grep -c '"connection-state": *"Connected"')" -lt ${peers} ]; do`,
    `  n=$((n+1)); if [ "$n" -gt ${timeout} ]; then echo "DRBD ${res}: not connected to every peer after ${timeout} s" >&2; drbdsetup status ${r} >&2; exit 1; fi`,
    '  sleep 1',
    'done',
  ].join('\n');
}

function toSteps(res: string, steps: readonly DrbdStep[], node: string, timeout: number): Step[] {
  const r = shq(res);
  return steps
    .filter((s) => s.node === node)
    .map((s): Step => {
      switch (s.kind) {
        case 'create-md':
          return { kind: 'exec', command: `drbdadm create-md --force ${r}` };
        case 'up':
          return { kind: 'exec', command: `drbdadm up ${r}` };
        case 'wait-connected':
          return {
            kind: 'exec',
            command: waitConnected(res, s.peers, timeout),
            display: `wait until ${res} is connected to its ${s.peers} peer(s) (at most ${timeout} s)`,
            timeoutMs: (timeout + 30) * 1000,
          };
        case 'primary-force':
          return { kind: 'exec', command: `drbdadm primary --force ${r}` };
        case 'secondary':
          return { kind: 'exec', command: `drbdadm secondary ${r}` };
      }
    });
}

const LABEL: Record<DrbdStep['kind'], string> = {
  'create-md': 'create-md',
  up: 'up',
  'wait-connected': 'wait for peers',
  'primary-force': 'initial primary --force',
  secondary: 'secondary',
};

function planAll(
  a: DrbdArgs,
  values: FactValues,
  decide: (r: Resource, members: MemberStatus[]) => DrbdStep[],
): Plan {
  const steps: Step[] = [];
  const done: string[] = [];
  for (const r of mine(a)) {
    const members = statuses(r, values);
    if (members.find((m) => m.node === a.node)?.kind === 'unread')
      throw new PlanError('drbd', `${a.node}: drbd_state of resource ${r.name} was not gathered`);
    const own = decide(r, members).filter((s) => s.node === a.node);
    if (!own.length) continue;
    steps.push(...toSteps(r.name, own, a.node, a.timeout));
    done.push(`${r.name}: ${own.map((s) => LABEL[s.kind]).join(', ')}`);
  }
  return steps.length ? { steps, summary: done.join('; ') } : { steps: [] };
}

/** create-md where nothing is on the disk, up where not up; refusals stop every member first. */
export const drbdInitOp: Operation<DrbdArgs> = {
  name: 'drbd_init',
  args: drbdArgs,
  facts,
  plan: (a, values) => planAll(a, values, (r, members) => initSteps(r.name, members)),
};

/** On a fresh resource only: the first member's initial promotion, then back to Secondary. */
export const drbdInitialPrimaryOp: Operation<DrbdArgs> = {
  name: 'drbd_initial_primary',
  args: drbdArgs,
  facts,
  plan: (a, values) =>
    planAll(a, values, (r, members) =>
      // Only the first member decides (and may refuse): the others never act here.
      memberName(r.members[0]!) === a.node ? initialPrimarySteps(r.name, members) : [],
    ),
};
