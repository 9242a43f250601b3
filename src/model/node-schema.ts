import { z } from 'zod';
import { ipAddress, nodeName, strict as s, scalar } from './primitives.js';
import { sshSchema } from './ssh.js';

/** One cluster node (`nodes[]`): its name, corosync links, SSH access and roles. */

export const ROLES = ['pacemaker', 'haproxy', 'galera', 'garbd', 'drbd', 'keepalived'] as const;

export const linkAddress = z
  .union([ipAddress, s({ address: ipAddress.describe('Address of this node on the link.') })])
  .describe('Address of the node on one knet link (a plain address or `{address: ...}`).');

export const nodeSchema = s({
  name: nodeName,
  id: z
    .number()
    .int()
    .min(1)
    .max(65535)
    .optional()
    .describe('Corosync nodeid (default: position in the list, from 1).'),
  links: z
    .array(linkAddress)
    .min(1, { message: 'needs at least one link address' })
    .max(8, { message: 'knet supports at most 8 links' })
    .describe('One address per corosync knet link, in link order (link 0 first).'),
  ssh: sshSchema.optional(),
  roles: z
    .array(z.enum(ROLES))
    .default(['pacemaker'])
    .describe(
      'Services this node runs: pacemaker (corosync+pacemaker member), haproxy, galera, garbd, drbd, keepalived.',
    ),
  attributes: z
    .record(z.string().regex(/^[A-Za-z0-9_.-]+$/), scalar)
    .optional()
    .describe('Pacemaker node attributes (usable in location rules).'),
});

export type InventoryNode = z.infer<typeof nodeSchema>;
export type Role = (typeof ROLES)[number];
