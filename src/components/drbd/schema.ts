import { z } from 'zod';
import { ipAddress, nodeName, port, strict as s } from '../../model/index.js';

/** The DRBD slice of the inventory (`drbd`). */

export const drbdMemberSchema = z.union([
  nodeName,
  s({
    node: nodeName,
    disk: z
      .string()
      .startsWith('/')
      .optional()
      .describe('Backing disk on this node (default: the resource disk).'),
    address: ipAddress.optional().describe('Replication address (default: link 0).'),
  }),
]);

export const drbdResourceSchema = s({
  name: z.string().regex(/^[A-Za-z0-9_-]+$/),
  device: z
    .string()
    .regex(/^\/dev\/drbd\d+$/, { message: 'must be /dev/drbdN' })
    .describe('DRBD device.'),
  minor: z.number().int().min(0).max(1048575).optional().describe('Minor (default: the N of /dev/drbdN).'),
  disk: z.string().startsWith('/').describe('Backing block device.'),
  port: port.default(7789),
  meta_disk: z.string().default('internal').describe('`internal` or a device.'),
  protocol: z.enum(['A', 'B', 'C']).default('C').describe('Replication protocol (C: synchronous).'),
  members: z.array(drbdMemberSchema).min(2).max(16).describe('2 nodes, or 3+ with a connection mesh.'),
  fencing: z
    .enum(['dont-care', 'resource-only', 'resource-and-stonith'])
    .default('resource-and-stonith')
    .describe('DRBD fencing policy (with the crm-fence-peer handlers).'),
}).describe('A DRBD resource.');

export const drbdSchema = s({
  resources: z.array(drbdResourceSchema).min(1),
}).describe(
  'DRBD replicated block devices (DRBD 9). `hakit check` renders and validates each resource file; `hakit bootstrap` ' +
    '(playbooks/drbd.yaml, on nodes with the `drbd` role: every member needs it) installs drbd-utils, puts ' +
    '/etc/drbd.d/NAME.res in place (checked by `drbdadm -c FILE dump NAME` on the node), runs `drbdadm create-md` ' +
    'only on a disk with nothing on it, `drbdadm up`, and on a fresh resource only the initial ' +
    '`primary --force` on the first member, then `secondary` (a Pacemaker `drbd` resource promotes from then on). ' +
    'It refuses a missing disk, metadata of another resource and data without DRBD metadata.',
);
