import type { DrillId } from '../components/verify/schema.js';
import { shq } from '../shell/posix.js';
import type { Fault, FaultBackend, HostExec } from './fault.js';
import type { FenceEvent } from './fencing.js';
import type { HolderSample, ProbeSample, WriteSample } from './measure.js';
import type { DrillTargets } from './targets.js';

/** What a drill has seen since it injected its fault (new fencing entries only). */
export interface Observed {
  injectedAt: number;
  probes: readonly ProbeSample[];
  writes: readonly WriteSample[] | null;
  holders: readonly HolderSample[];
  fences: readonly FenceEvent[];
}

/** A drill's fault on a chosen node, and what recovery from it means. */
export interface DrillPlan {
  target: string;
  fault: Fault;
  /** What the drill waits for after injecting, for messages ("the VIP on another node and node2 fenced"). */
  expects: string;
  recovered(o: Observed): boolean | Promise<boolean>;
}

export interface PlanContext {
  targets: DrillTargets;
  /** The node holding the VIP before the drill. */
  holder: string;
  exec: HostExec;
  backend: FaultBackend;
  /** How long a fault may last at most (nft rules on real hosts remove themselves after it). */
  boundMs: number;
}

export interface DrillSpec {
  id: DrillId;
  title: string;
  /** Needs Galera behind the VIP (refused on a cluster without it). */
  needsGalera: boolean;
  /** The target must be fenced by the cluster. */
  mustFence: boolean;
  plan(c: PlanContext): DrillPlan;
}

const sorted = (xs: readonly ProbeSample[]) => [...xs].sort((a, b) => a.at - b.at);

/** The last `n` probes started after the fault all connected. */
export function probesGood(o: Observed, n = 5): boolean {
  const after = sorted(o.probes).filter((p) => p.at >= o.injectedAt);
  return after.length >= n && after.slice(-n).every((p) => p.ok);
}

/** The newest holder sample taken after the fault shows the VIP on exactly one node other than `target`. */
export function vipElsewhere(o: Observed, target: string): boolean {
  const last = [...o.holders].filter((h) => h.at >= o.injectedAt).pop();
  return last !== undefined && last.holders.length === 1 && last.holders[0] !== target;
}

/** The VIP on exactly `node` (newest sample after the fault). */
export function vipOn(o: Observed, node: string): boolean {
  const last = [...o.holders].filter((h) => h.at >= o.injectedAt).pop();
  return last !== undefined && last.holders.length === 1 && last.holders[0] === node;
}

export const fenced = (o: Observed, target: string) =>
  o.fences.some((f) => f.target === target && f.status === 'success');

/** At least `n` writes started after the fault were acknowledged (true without Galera). */
export function writesResumed(o: Observed, n = 3): boolean {
  if (!o.writes) return true;
  return o.writes.filter((w) => w.acked && w.startedAt >= o.injectedAt).length >= n;
}

/** A fault made of two commands on a host (inject, heal). */
function commandFault(
  exec: HostExec,
  host: string,
  what: string,
  inject: string,
  heal: string,
  o: { injectTimeoutMs?: number; healTimeoutMs?: number } = {},
): Fault {
  const run = async (cmd: string, step: string, timeoutMs: number) => {
    const r = await exec(host, cmd, { timeoutMs });
    if (r.exitCode !== 0)
      throw new Error(
        `${host}: ${step} (${cmd}) failed (${r.exitCode === null ? 'no answer' : `exit ${r.exitCode}`}): ${(r.stderr || r.stdout).trim().slice(0, 300)}`,
      );
  };
  return {
    describe: () => what,
    destructive: false,
    inject: () => run(inject, 'injecting', o.injectTimeoutMs ?? 60_000),
    heal: () => run(heal, 'healing', o.healTimeoutMs ?? 120_000),
  };
}

async function isActive(exec: HostExec, host: string, unit: string): Promise<boolean> {
  const r = await exec(host, `systemctl is-active --quiet ${shq(unit)}`, { timeoutMs: 10_000 });
  return r.exitCode === 0;
}

const other = (c: PlanContext, not: string) => {
  const n = c.targets.members.find((m) => m.name !== not);
  if (!n) throw new Error('the drill needs at least two cluster members');
  return n.name;
};

/** A node fenced or crashed comes back, then its cluster stack runs (idempotent). */
function restartStack(c: PlanContext, node: string): () => Promise<void> {
  return async () => {
    await c.backend.ensureUp(node);
    // A connection opened before the node went down may answer nothing: a failed attempt reconnects.
    let why = '';
    for (let attempt = 0; attempt < 5; attempt++) {
      const r = await c.exec(node, 'systemctl start corosync pacemaker', { timeoutMs: 180_000 });
      if (r.exitCode === 0) return;
      why = r.stderr.trim().slice(0, 300);
      if (!r.unreachable && r.exitCode !== null) break;
      await new Promise((res) => setTimeout(res, 2000));
    }
    throw new Error(`${node}: systemctl start corosync pacemaker failed: ${why}`);
  };
}

/** The drills, in the order `all` runs them. */
export const DRILLS: readonly DrillSpec[] = [
  {
    id: 'standby',
    title: 'Standby and unstandby of the VIP holder',
    needsGalera: false,
    mustFence: false,
    plan: (c) => ({
      target: c.holder,
      expects: `the VIP on another node than ${c.holder}`,
      fault: commandFault(
        c.exec,
        c.holder,
        `standby of ${c.holder} (crm_attribute standby=on), unstandby to heal`,
        `crm_attribute --node ${shq(c.holder)} --name standby --update on --lifetime forever`,
        `crm_attribute --node ${shq(c.holder)} --name standby --delete --lifetime forever`,
      ),
      recovered: (o) => vipElsewhere(o, c.holder) && probesGood(o) && writesResumed(o),
    }),
  },
  {
    id: 'crash-vip-holder',
    title: 'Hard crash of the VIP holder',
    needsGalera: false,
    mustFence: true,
    plan: (c) => {
      const crash = c.backend.crash(c.holder);
      return {
        target: c.holder,
        expects: `${c.holder} fenced and the VIP on a survivor`,
        fault: { ...crash, heal: restartStack(c, c.holder) },
        recovered: (o) =>
          fenced(o, c.holder) && vipElsewhere(o, c.holder) && probesGood(o) && writesResumed(o),
      };
    },
  },
  {
    id: 'crash-galera-writer',
    title: 'Hard crash of the Galera node HAProxy sends writes to',
    needsGalera: true,
    mustFence: true,
    plan: (c) => {
      const target = c.targets.galera?.writeNode ?? c.holder;
      const crash = c.backend.crash(target);
      return {
        target,
        expects: `${target} fenced and writes acknowledged again through the VIP`,
        fault: { ...crash, heal: restartStack(c, target) },
        recovered: (o) =>
          fenced(o, target) && writesResumed(o, 5) && probesGood(o) && vipElsewhere(o, target),
      };
    },
  },
  {
    id: 'kill-haproxy',
    title: 'Kill of haproxy on the VIP holder',
    needsGalera: false,
    mustFence: false,
    plan: (c) => {
      const unit = c.targets.haproxyUnit ?? 'haproxy';
      return {
        target: c.holder,
        expects: 'haproxy running again under the VIP and the client probe answered',
        fault: commandFault(
          c.exec,
          c.holder,
          `SIGKILL of haproxy on ${c.holder} (systemctl kill -s KILL ${unit}); heal: crm_resource --cleanup`,
          `systemctl kill -s KILL ${shq(unit)}`,
          'crm_resource --cleanup',
        ),
        recovered: async (o) => {
          if (!probesGood(o, 10) || !writesResumed(o)) return false;
          const last = [...o.holders].pop();
          const on = last?.holders.length === 1 ? last.holders[0] : undefined;
          return on !== undefined && (await isActive(c.exec, on, unit));
        },
      };
    },
  },
  {
    id: 'partition',
    title: 'Network partition of the VIP holder from the other nodes',
    needsGalera: false,
    mustFence: true,
    plan: (c) => {
      const peers = c.targets.members.filter((m) => m.name !== c.holder);
      const cut = c.backend.partition(c.holder, peers, c.boundMs);
      return {
        target: c.holder,
        expects: `${c.holder} fenced by the majority and the VIP on a survivor (never two holders)`,
        fault: {
          ...cut,
          heal: async () => {
            await cut.heal();
            await restartStack(c, c.holder)();
          },
        },
        recovered: (o) =>
          fenced(o, c.holder) && vipElsewhere(o, c.holder) && probesGood(o) && writesResumed(o),
      };
    },
  },
  {
    id: 'kill-corosync',
    title: 'Kill of corosync on the VIP holder',
    needsGalera: false,
    mustFence: true,
    plan: (c) => {
      const f = commandFault(
        c.exec,
        c.holder,
        `SIGKILL of corosync on ${c.holder} (systemctl kill -s KILL corosync)`,
        'systemctl kill -s KILL corosync',
        'true',
      );
      return {
        target: c.holder,
        expects: `${c.holder} fenced and the VIP on a survivor`,
        fault: { ...f, heal: restartStack(c, c.holder) },
        recovered: (o) =>
          fenced(o, c.holder) && vipElsewhere(o, c.holder) && probesGood(o) && writesResumed(o),
      };
    },
  },
  {
    id: 'move',
    title: 'Move of the VIP to another node, then clear (no cli-prefer left)',
    needsGalera: false,
    mustFence: false,
    plan: (c) => {
      const to = other(c, c.holder);
      const id = c.targets.vip.id;
      return {
        target: to,
        expects: `the VIP on ${to}`,
        fault: commandFault(
          c.exec,
          c.holder,
          `move of ${id} from ${c.holder} to ${to} (crm_resource --move), crm_resource --clear to heal`,
          `crm_resource --move --resource ${shq(id)} --node ${shq(to)}`,
          `crm_resource --clear --resource ${shq(id)}`,
        ),
        recovered: (o) => vipOn(o, to) && probesGood(o) && writesResumed(o),
      };
    },
  },
  {
    id: 'kill-mariadbd',
    title: 'Kill of mariadbd on the Galera node HAProxy sends writes to',
    needsGalera: true,
    mustFence: false,
    plan: (c) => {
      const target = c.targets.galera?.writeNode ?? c.holder;
      return {
        target,
        expects: 'writes acknowledged again through the VIP and mariadb active again',
        fault: commandFault(
          c.exec,
          target,
          `SIGKILL of mariadbd on ${target} (systemctl kill -s KILL mariadb); heal: systemctl start mariadb`,
          'systemctl kill -s KILL mariadb',
          'systemctl start mariadb',
          { healTimeoutMs: 600_000 },
        ),
        recovered: async (o) =>
          writesResumed(o, 5) && probesGood(o) && (await isActive(c.exec, target, 'mariadb')),
      };
    },
  },
  {
    id: 'fence',
    title: 'Fencing of a node on request (stonith_admin --reboot)',
    needsGalera: false,
    mustFence: true,
    plan: (c) => {
      const target =
        [...c.targets.members].reverse().find((m) => m.name !== c.holder)?.name ?? other(c, c.holder);
      const f = commandFault(
        c.exec,
        c.holder,
        `reboot of ${target} through its fence device (stonith_admin --reboot, from ${c.holder})`,
        `stonith_admin --reboot ${shq(target)} --timeout 120`,
        'true',
        { injectTimeoutMs: 150_000 },
      );
      return {
        target,
        expects: `${target} fenced`,
        fault: { ...f, heal: restartStack(c, target) },
        recovered: (o) => fenced(o, target) && probesGood(o) && writesResumed(o),
      };
    },
  },
];

export const drillIds = () => DRILLS.map((d) => d.id);
