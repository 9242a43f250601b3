import { z } from 'zod';
import { strict as s } from '../../model/index.js';

/** The drills of `hakit verify --drills`, in the order `all` runs them (src/drills/catalog.ts implements each). */
export const DRILL_IDS = [
  'standby',
  'crash-vip-holder',
  'crash-galera-writer',
  'kill-haproxy',
  'partition',
  'kill-corosync',
  'move',
  'kill-mariadbd',
  'fence',
] as const;
export type DrillId = (typeof DRILL_IDS)[number];

const positiveSeconds = z.number().positive();

/** Per-drill thresholds that replace the section's own for one drill. */
export const drillThresholdsSchema = s({
  max_outage_s: positiveSeconds.optional().describe('Replaces `verify.max_outage_s` for this drill.'),
  max_write_gap_s: positiveSeconds.optional().describe('Replaces `verify.max_write_gap_s` for this drill.'),
  max_lost_writes: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('Replaces `verify.max_lost_writes` for this drill.'),
}).describe('Thresholds of one drill.');

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
  drills: z
    .partialRecord(z.enum(DRILL_IDS), drillThresholdsSchema)
    .default({})
    .describe(
      "Thresholds for one drill by its name (`crash-vip-holder: { max_write_gap_s: 5 }`), replacing the section's own. A drill that takes the VIP away (crash-vip-holder, partition) cannot have a write gap shorter than its client outage: the writer's statement in flight on the lost holder fails, and its reconnect waits for the VIP.",
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

/** The thresholds a drill is judged by: the section's, with the drill's own entry over them. */
export function drillThresholds(
  v: VerifySettings,
  id: string,
): { max_outage_s: number; max_write_gap_s: number; max_lost_writes: number } {
  const own = (v.drills as Partial<Record<string, z.infer<typeof drillThresholdsSchema>>>)[id] ?? {};
  return {
    max_outage_s: own.max_outage_s ?? v.max_outage_s,
    max_write_gap_s: own.max_write_gap_s ?? v.max_write_gap_s,
    max_lost_writes: own.max_lost_writes ?? v.max_lost_writes,
  };
}
