import { z } from 'zod';
import type { Operation, Plan } from '../../ops/types.js';
import { shq } from '../../shell/posix.js';
import { galeraClusterArgs, membersOf } from './ops.js';
import { waitSyncedCommand } from './scripts.js';

export const galeraArbitratorArgs = z.strictObject({
  /** The node that runs garbd (`"{{ inventory.galera.garbd.node }}"`), named in the message when it does not join. */
  garbd: z.string().regex(/^[A-Za-z0-9._-]+$/),
  /** garbd's systemd unit there (`"{{ layout.garbdUnit }}"`), for the hint. */
  unit: z
    .string()
    .regex(/^[A-Za-z0-9@._-]+$/)
    .default('garb'),
  galera: galeraClusterArgs.shape.galera,
  nodes: galeraClusterArgs.shape.nodes,
  /** Seconds to wait for garbd to count in the Primary component. */
  timeout: z.number().int().min(1).max(3600).default(120),
});
type ArbitratorArgs = z.infer<typeof galeraArbitratorArgs>;

/**
 * After garbd started (or restarted), on one Galera member (`run_once`): waits, bounded, until the Primary
 * component counts every member plus garbd (`wsrep_cluster_size` ≥ members + 1), the size the health check
 * expects. Changes nothing (a rerun on a healthy cluster passes at once, changed=0); fails naming the garbd node
 * and the last status seen when garbd did not join.
 */
export const galeraArbitratorOp: Operation<ArbitratorArgs> = {
  name: 'galera_arbitrator',
  args: galeraArbitratorArgs,
  facts: () => [],
  plan(a): Plan {
    const want = membersOf(a).length + 1;
    const wait = waitSyncedCommand(want, a.timeout);
    const hint = `garbd on ${a.garbd} did not join the Primary component (wsrep_cluster_size >= ${want}): see systemctl status ${a.unit} and journalctl -u ${a.unit} on ${a.garbd}`;
    return {
      summary: `garbd (${a.garbd}) counts in the Primary component`,
      steps: [
        {
          kind: 'exec',
          command: `( ${wait}\n) || { echo ${shq(hint)} >&2; exit 1; }`,
          display: `wait until the Primary component counts garbd (${a.garbd}): cluster size >= ${want} (at most ${a.timeout} s)`,
          timeoutMs: (a.timeout + 60) * 1000,
        },
      ],
      noChange: true,
    };
  },
};
