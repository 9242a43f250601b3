import { z } from 'zod';
import { nodeName, strict as s, secretRef } from '../../model/index.js';

/** The keepalived slice of the inventory (`keepalived`). */

export const keepalivedTrackScriptSchema = s({
  name: z.string().regex(/^[A-Za-z0-9_]+$/),
  script: z
    .string()
    .min(1)
    .describe(
      "Command keepalived runs as root (`script_user root`, `enable_script_security`: the executable and its directories must be writable by root only); exit 0 means healthy, e.g. `/usr/bin/pgrep -x haproxy` for the load balancer process (not `pidof`: keepalived runs the target of a symlink, and Debian's pidof is a link to killall5 — `hakit check` warns).",
    ),
  interval: z.number().int().min(1).default(2).describe('Seconds between two runs.'),
  weight: z
    .number()
    .int()
    .min(-254)
    .max(254)
    .default(-20)
    .describe(
      'Added to the priority while the script fails (negative) or succeeds (positive): a master whose check fails must drop below its backups, e.g. priorities 150/100 need a weight below -50.',
    ),
  fall: z.number().int().min(1).default(2).describe('Failed runs before the check counts as failed.'),
  rise: z.number().int().min(1).default(2).describe('Successful runs before it counts as healthy again.'),
}).describe('A vrrp_script: a health check that moves the VIP away from a node where it fails.');

export const keepalivedInstanceSchema = s({
  name: z.string().regex(/^[A-Za-z0-9_]+$/),
  interface: z
    .string()
    .min(1)
    .describe(
      "Network interface that sends VRRP and carries the VIPs, on every member; its address is the member's link address in the VIPs' subnet.",
    ),
  vrid: z
    .number()
    .int()
    .min(1)
    .max(255)
    .describe('virtual_router_id, unique among the instances on one network (`hakit check`).'),
  members: z
    .array(s({ node: nodeName, priority: z.number().int().min(1).max(254) }))
    .min(1)
    .describe('Nodes and their VRRP priority (highest is master).'),
  advert_int: z.number().int().min(1).default(1).describe('Seconds between VRRP advertisements.'),
  unicast: z
    .boolean()
    .default(true)
    .describe(
      "Unicast peers (the other members' addresses in the VIPs' subnet) instead of multicast to 224.0.0.18.",
    ),
  nopreempt: z
    .boolean()
    .default(false)
    .describe('A recovered higher-priority member does not take the VIP back from the current master.'),
  auth_pass: secretRef.optional().describe('VRRP PASS authentication (secret reference).'),
  track_scripts: z
    .array(keepalivedTrackScriptSchema)
    .default([])
    .describe("Health checks that lower this member's priority while they fail."),
  notify: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Command keepalived runs (as root, like track scripts) on every state change of this instance, with `INSTANCE NAME STATE PRIORITY` appended (STATE: MASTER, BACKUP, FAULT or STOP), e.g. `/usr/bin/logger -t keepalived-notify`.',
    ),
  vips: z
    .array(z.string().regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, { message: 'must be ADDRESS/PREFIX' }))
    .min(1)
    .describe("Virtual addresses (ADDRESS/PREFIX), each inside the subnet of every member's interface."),
}).describe('A VRRP instance.');

export const keepalivedSchema = s({
  instances: z.array(keepalivedInstanceSchema).min(1),
}).describe(
  'keepalived VRRP (a VIP without Pacemaker), on nodes with the keepalived role: `hakit bootstrap` installs keepalived, puts keepalived.conf in place (`keepalived -t` on the node first), starts it and reloads it on change.',
);
