import type { Decision } from './bootstrap-choice.js';
import { GALERA_NEW_CLUSTER } from './commands.js';

/** What a step waits for, bounded by the op's timeout, before the next step starts. */
export interface WaitFor {
  /** wsrep_cluster_status */
  clusterStatus: 'Primary';
  /** wsrep_local_state_comment */
  localState: 'Synced';
  /** wsrep_cluster_size at least this (it grew by one per joined member; garbd counts too). */
  minClusterSize: number;
}

/**
 * One step of the Galera start-up, in order; each on ONE node, one at a time.
 *
 * - `wsrep-recover`: read the position from InnoDB (`wsrepRecoverCommand()`), parse it (`parseWsrepRecover`),
 *   then call `chooseBootstrap` again with it: the plan of a `needs-recovery` decision has only these steps,
 *   and they can run on all listed nodes at once (nothing starts).
 * - `stop`: `systemctl stop mariadb` (a server running without the cluster, before `galera_new_cluster`).
 * - `set-safe-to-bootstrap`: write `safe_to_bootstrap: 1` in grastate.dat (`setSafeToBootstrapCommand` or
 *   `withSafeToBootstrap`); only on the bootstrap node, only when its file says otherwise.
 * - `new-cluster`: `galera_new_cluster`, then wait.
 * - `join`: `systemctl start mariadb` (`restart` for a server running without the cluster), then wait.
 */
export type JoinStep =
  | { kind: 'wsrep-recover'; node: string }
  | { kind: 'stop'; node: string }
  | { kind: 'set-safe-to-bootstrap'; node: string }
  | { kind: 'new-cluster'; node: string; command: typeof GALERA_NEW_CLUSTER; wait: WaitFor }
  | { kind: 'join'; node: string; action: 'start' | 'restart'; wait: WaitFor };

export interface JoinPlan {
  decision: Decision['kind'];
  steps: JoinStep[];
  /** Whether any step changes a host (false on a healthy cluster: changed=0, nothing restarted). */
  changes: boolean;
  /** Warnings of the decision, to print before the steps run. */
  warnings: string[];
}

const waitFor = (minClusterSize: number): WaitFor => ({
  clusterStatus: 'Primary',
  localState: 'Synced',
  minClusterSize,
});

/**
 * The ordered steps for a decision of `chooseBootstrap` (pure: no shell here, see commands.ts). A refusal never
 * reaches this: chooseBootstrap throws it.
 */
export function joinPlan(decision: Decision): JoinPlan {
  const steps: JoinStep[] = [];
  if (decision.kind === 'needs-recovery')
    return {
      decision: decision.kind,
      steps: decision.nodes.map((node) => ({ kind: 'wsrep-recover', node })),
      changes: false,
      warnings: decision.warnings,
    };
  let size = 0;
  if (decision.kind === 'running') size = decision.clusterSize;
  else {
    const b = decision.bootstrap;
    if (b.restart) steps.push({ kind: 'stop', node: b.node });
    if (b.setSafeToBootstrap) steps.push({ kind: 'set-safe-to-bootstrap', node: b.node });
    steps.push({ kind: 'new-cluster', node: b.node, command: GALERA_NEW_CLUSTER, wait: waitFor((size = 1)) });
  }
  for (const j of decision.join)
    steps.push({
      kind: 'join',
      node: j.node,
      action: j.restart ? 'restart' : 'start',
      wait: waitFor(++size),
    });
  return { decision: decision.kind, steps, changes: steps.length > 0, warnings: decision.warnings };
}

/** One line per step, for dry runs and logs: `node2: galera_new_cluster, wait Primary/Synced, size ≥ 1`. */
export function describeStep(s: JoinStep): string {
  const wait = (w: WaitFor) => `wait ${w.clusterStatus}/${w.localState}, size ≥ ${w.minClusterSize}`;
  switch (s.kind) {
    case 'wsrep-recover':
      return `${s.node}: mariadbd --wsrep-recover`;
    case 'stop':
      return `${s.node}: systemctl stop mariadb (runs without the cluster)`;
    case 'set-safe-to-bootstrap':
      return `${s.node}: safe_to_bootstrap: 1 in grastate.dat`;
    case 'new-cluster':
      return `${s.node}: ${s.command}, ${wait(s.wait)}`;
    case 'join':
      return `${s.node}: systemctl ${s.action} mariadb, ${wait(s.wait)}`;
  }
}
