import { z } from 'zod';
import { strict as s } from '../../model/index.js';

/** Pass/fail thresholds and bounds of `hakit verify --drills` (`verify`). */
export const verifySchema = s({
  max_outage_s: z
    .number()
    .positive()
    .default(4)
    .describe(
      'A drill fails when the client probe (a TCP connect to the VIP frontend every 100 ms) saw an outage longer than this: first failed probe to the first good one after the last failure, seconds.',
    ),
  max_write_gap_s: z
    .number()
    .positive()
    .default(3)
    .describe(
      'A drill with Galera fails when the writer (numbered rows through the VIP, a new connection each) went longer than this without an acknowledged write, seconds.',
    ),
  max_lost_writes: z
    .number()
    .int()
    .min(0)
    .default(0)
    .describe(
      'A drill with Galera fails when more acknowledged rows than this are missing from a member when read back after the drill.',
    ),
  recovery_timeout_s: z
    .number()
    .int()
    .min(10)
    .max(1800)
    .default(120)
    .describe(
      'How long a drill waits, after injecting its fault, for the service to recover (the client probe answers again and the drill sees what it expects: the VIP elsewhere, the node fenced, …); then it heals the fault and fails.',
    ),
  healthy_timeout_s: z
    .number()
    .int()
    .min(30)
    .max(3600)
    .default(420)
    .describe(
      'How long a drill waits, after healing its fault, until every health check passes again; if the cluster never is healthy, the drill fails and no further drill runs.',
    ),
})
  .prefault({})
  .describe('Thresholds of the failover drills of `hakit verify --drills` (the health checks take none).');

export type VerifySettings = z.infer<typeof verifySchema>;
