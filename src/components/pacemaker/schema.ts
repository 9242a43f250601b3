import { z } from 'zod';
import {
  duration,
  metaMap,
  nodeName,
  paramMap,
  resourceId,
  strict as s,
  scalar,
  score,
} from '../../model/index.js';

/** The Pacemaker slice of the inventory (`pacemaker`): the CIB's properties, fencing, resources and constraints. */

export const clusterPropertiesSchema = s({
  'stonith-enabled': z
    .boolean()
    .default(true)
    .describe('Fence failed nodes. Switching it off prints a warning.'),
  'stonith-timeout': duration.optional().describe('How long to wait for a fencing action.'),
  'stonith-watchdog-timeout': duration.optional().describe('Watchdog (sbd) self-fencing timeout.'),
  'no-quorum-policy': z
    .enum(['stop', 'freeze', 'ignore', 'demote', 'suicide'])
    .default('stop')
    .describe('What a partition without quorum does. `ignore` prints a warning.'),
  'symmetric-cluster': z.boolean().optional().describe('Resources may run anywhere unless constrained.'),
  'maintenance-mode': z.boolean().optional().describe('Stop managing resources.'),
  'cluster-recheck-interval': duration.optional().describe('Polling interval for time-based changes.'),
  'start-failure-is-fatal': z
    .boolean()
    .optional()
    .describe('A failed start bans the resource from the node.'),
  'concurrent-fencing': z.boolean().optional().describe('Allow fencing several nodes at once.'),
  'priority-fencing-delay': duration
    .optional()
    .describe('Delay fencing of the node running the most important resources.'),
  'shutdown-lock': z.boolean().optional().describe('Keep resources of a cleanly stopped node locked to it.'),
  'placement-strategy': z
    .enum(['default', 'utilization', 'minimal', 'balanced'])
    .optional()
    .describe('Placement strategy.'),
  'batch-limit': z.number().int().min(0).optional().describe('Maximum parallel actions.'),
  'migration-limit': z
    .number()
    .int()
    .min(-1)
    .optional()
    .describe('Maximum parallel live migrations per node.'),
}).describe('Pacemaker cluster properties (crm_config).');

export const resourceDefaultsSchema = s({
  'resource-stickiness': z.number().int().optional().describe('Preference to stay where a resource runs.'),
  'migration-threshold': z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('Failures before a resource moves away.'),
  'failure-timeout': duration.optional().describe('Forget failures after this long.'),
  'target-role': z
    .enum(['Started', 'Stopped', 'Promoted', 'Unpromoted'])
    .optional()
    .describe('Default target role.'),
}).describe('rsc_defaults meta attributes.');

export const opDefaultsSchema = s({
  timeout: duration.optional().describe('Default operation timeout.'),
  'record-pending': z.boolean().optional().describe('Record pending operations in the CIB.'),
}).describe('op_defaults meta attributes.');

export const operationSchema = s({
  name: z.enum([
    'monitor',
    'start',
    'stop',
    'promote',
    'demote',
    'notify',
    'migrate_to',
    'migrate_from',
    'reload',
  ]),
  interval: duration.default('0s').describe('Operation interval (monitor: how often).'),
  timeout: duration.optional().describe('Operation timeout.'),
  role: z
    .enum(['Promoted', 'Unpromoted', 'Started', 'Stopped'])
    .optional()
    .describe('Role a monitor applies to.'),
  on_fail: z
    .enum(['ignore', 'block', 'stop', 'restart', 'fence', 'standby', 'demote'])
    .optional()
    .describe('on-fail.'),
}).describe('A resource operation.');

const resourceCommon = {
  id: resourceId,
  params: paramMap.optional(),
  meta: metaMap.optional(),
  ops: z.array(operationSchema).optional().describe('Operations; a monitor is added when none is given.'),
};

export const ipaddr2ResourceSchema = s({
  type: z.literal('ipaddr2'),
  ...resourceCommon,
  ip: z.ipv4().describe('The virtual IP.'),
  cidr_netmask: z.number().int().min(1).max(32).default(24).describe('Prefix length of the VIP.'),
  nic: z.string().optional().describe('Interface (default: the one whose network holds the VIP).'),
}).describe('ocf:heartbeat:IPaddr2 — a virtual IP.');

export const systemdResourceSchema = s({
  type: z.literal('systemd'),
  ...resourceCommon,
  unit: z.string().min(1).describe('systemd unit name, e.g. haproxy or haproxy.service.'),
}).describe('A systemd service managed by Pacemaker.');

export const filesystemResourceSchema = s({
  type: z.literal('filesystem'),
  ...resourceCommon,
  device: z.string().min(1).describe('Block device, e.g. /dev/drbd0.'),
  directory: z.string().startsWith('/').describe('Mount point.'),
  fstype: z.string().min(1).describe('File system type, e.g. ext4, xfs.'),
  options: z.string().optional().describe('Mount options.'),
}).describe('ocf:heartbeat:Filesystem.');

export const drbdResourceRefSchema = s({
  type: z.literal('drbd'),
  ...resourceCommon,
  drbd_resource: z.string().min(1).describe('Name of a resource in `drbd.resources`.'),
  promoted_max: z.number().int().min(1).default(1).describe('How many nodes may be Primary.'),
}).describe('ocf:linbit:drbd, always wrapped in a promotable clone `<id>-clone`.');

export const ocfResourceSchema = s({
  type: z.literal('ocf'),
  ...resourceCommon,
  agent: z
    .string()
    .regex(/^(ocf:[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+|systemd:[^\s]+|lsb:[^\s]+)$/, {
      message: 'must be class:provider:type, e.g. ocf:heartbeat:apache',
    })
    .describe('Resource agent, e.g. ocf:heartbeat:apache or ocf:pacemaker:Dummy.'),
}).describe('Any resource agent with parameters and operations.');

export const resourceSchema = z.discriminatedUnion('type', [
  ipaddr2ResourceSchema,
  systemdResourceSchema,
  filesystemResourceSchema,
  drbdResourceRefSchema,
  ocfResourceSchema,
]);

export const groupSchema = s({
  id: resourceId,
  resources: z.array(resourceId).min(1).describe('Primitives in start order.'),
  meta: metaMap.optional(),
}).describe('A group: members start in order on the same node.');

export const cloneSchema = s({
  id: resourceId.optional().describe('Clone id (default `<resource>-clone`).'),
  resource: resourceId.describe('Primitive or group to clone.'),
  promotable: z.boolean().default(false).describe('Promotable (promoted/unpromoted roles).'),
  meta: metaMap.optional().describe('clone-max, clone-node-max, promoted-max, interleave, notify, …'),
}).describe('A clone: the resource runs on several nodes.');

const roleEnum = z.enum(['Started', 'Promoted', 'Unpromoted', 'Stopped']);

export const locationSchema = s({
  id: resourceId.optional(),
  resource: resourceId.describe('Resource, group or clone.'),
  node: nodeName.optional().describe('Node the score applies to.'),
  score: score.default('INFINITY'),
  rule: s({
    attribute: z.string().min(1).describe('Node attribute name (e.g. #uname or a custom attribute).'),
    operation: z.enum(['eq', 'ne', 'lt', 'gt', 'lte', 'gte', 'defined', 'not_defined']).default('eq'),
    value: scalar.optional(),
  })
    .optional()
    .describe('Apply the score to nodes whose attribute matches (instead of `node`).'),
  role: roleEnum.optional(),
}).describe('Location constraint: prefer (positive) or avoid (negative) a node.');

export const colocationSchema = s({
  id: resourceId.optional(),
  resource: resourceId.describe('The dependent resource.'),
  with: resourceId.describe('The resource it is placed relative to.'),
  score: score.default('INFINITY'),
  role: roleEnum.optional(),
  with_role: roleEnum.optional(),
}).describe('Colocation constraint.');

const actionEnum = z.enum(['start', 'stop', 'promote', 'demote']);
export const orderSchema = s({
  id: resourceId.optional(),
  first: resourceId,
  then: resourceId,
  kind: z.enum(['Mandatory', 'Optional', 'Serialize']).default('Mandatory'),
  first_action: actionEnum.default('start'),
  then_action: actionEnum.default('start'),
  symmetrical: z.boolean().optional(),
}).describe('Ordering constraint.');

export const fencingDeviceSchema = s({
  id: resourceId,
  agent: z.string().regex(/^fence_[a-z0-9_]+$/, { message: 'must be a fence agent name like fence_ipmilan' }),
  params: paramMap
    .optional()
    .describe(
      'Agent parameters. In a two-node cluster a device without pcmk_delay_base or pcmk_delay_max gets pcmk_delay_max=15s (unless priority-fencing-delay is set), so the nodes never fence each other at once.',
    ),
  fences: z.array(nodeName).min(1).describe('Nodes this device can fence (pcmk_host_list).'),
  host_map: z.record(nodeName, z.string()).optional().describe('Node → port/plug name (pcmk_host_map).'),
  ops: z.array(operationSchema).optional(),
  meta: metaMap.optional(),
}).describe('A STONITH device.');

export const fencingLevelSchema = s({
  node: nodeName,
  index: z.number().int().min(1).max(9).describe('Level (1 is tried first).'),
  devices: z.array(resourceId).min(1).describe('Devices that must all succeed at this level.'),
}).describe('A fencing topology level.');

export const pacemakerSchema = s({
  properties: clusterPropertiesSchema.prefault({}),
  resource_defaults: resourceDefaultsSchema.prefault({}),
  op_defaults: opDefaultsSchema.prefault({}),
  fencing: s({
    devices: z.array(fencingDeviceSchema).default([]),
    levels: z.array(fencingLevelSchema).default([]),
  })
    .prefault({})
    .describe('Fencing (STONITH) devices and topology.'),
  resources: z.array(resourceSchema).default([]).describe('Primitive resources.'),
  groups: z.array(groupSchema).default([]),
  clones: z.array(cloneSchema).default([]),
  constraints: s({
    location: z.array(locationSchema).default([]),
    colocation: z.array(colocationSchema).default([]),
    order: z.array(orderSchema).default([]),
  })
    .prefault({})
    .describe('Location, colocation and order constraints.'),
})
  .prefault({})
  .describe('Pacemaker configuration (the CIB).');

export type Resource = z.infer<typeof resourceSchema>;
