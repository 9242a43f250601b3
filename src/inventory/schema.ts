import { z } from 'zod';
import { secretRef } from './secret.js';

/**
 * The typed cluster model. One YAML file per environment is checked against `inventorySchema`; every key is
 * documented with `.describe()` because docs/inventory.md and the JSON Schema are generated from this file.
 * Objects are strict: an unknown key is an error (with a "did you mean" suggestion).
 */

const s = z.strictObject;

export const nodeName = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, {
    message: 'must be a lowercase host name (letters, digits, "-"; at most 63 characters)',
  })
  .describe('Node name: also its host name and its corosync/pacemaker node name.');

export const resourceId = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_.-]*$/, {
    message: 'must start with a letter; letters, digits, "_", "-", "." only',
  })
  .describe('A Pacemaker id (XML ID: starts with a letter).');

const ipAddress = z.union([z.ipv4(), z.ipv6()]).describe('An IPv4 or IPv6 address.');
const port = z.number().int().min(1).max(65535);
const duration = z
  .union([
    z.string().regex(/^\d+(ms|s|m|min|h)?$/, { message: 'must be a duration like 10s, 500ms, 2min' }),
    z.number().int().min(0),
  ])
  .describe('Pacemaker duration: `10s`, `500ms`, `2min`, or a number of seconds.');
const score = z
  .union([z.number().int(), z.enum(['INFINITY', '-INFINITY', '+INFINITY'])])
  .describe('Pacemaker score: an integer, INFINITY or -INFINITY.');
const scalar = z.union([z.string(), z.number(), z.boolean()]);
const paramMap = z
  .record(z.string().regex(/^[A-Za-z0-9_.:-]+$/), scalar)
  .describe('Agent parameters (instance attributes). A value written as `env:NAME`/`file:PATH` is a secret.');
const metaMap = z
  .record(z.string().regex(/^[a-z0-9-]+$/), scalar)
  .describe('Meta attributes, e.g. `target-role`.');

// ─── SSH ─────────────────────────────────────────────────────────────────────

export const becomeSchema = z
  .union([
    z.literal(false),
    s({
      method: z.literal('sudo').default('sudo').describe('Privilege escalation method.'),
      password: secretRef.optional().describe('sudo password (secret reference); omit for NOPASSWD sudo.'),
    }),
  ])
  .describe('Privilege escalation when the SSH user is not root; `false` to never escalate.');

const sshCommon = {
  port: port.optional().describe('SSH port (default 22, or ~/.ssh/config).'),
  user: z.string().min(1).optional().describe('Login user (default root, or ~/.ssh/config).'),
  key_file: z.string().min(1).optional().describe('Private key file (relative to the inventory file).'),
  key_passphrase: secretRef.optional().describe('Passphrase of key_file (secret reference).'),
  agent: z.boolean().optional().describe('Use ssh-agent (SSH_AUTH_SOCK).'),
  password: secretRef.optional().describe('Password for first contact only (secret reference).'),
  known_hosts: z
    .string()
    .min(1)
    .optional()
    .describe('known_hosts file used to verify host keys (default ~/.ssh/known_hosts).'),
  host_keys: z
    .array(
      z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}=?$/, {
        message: 'must be an OpenSSH SHA256 fingerprint (SHA256:...)',
      }),
    )
    .optional()
    .describe('Pinned host key fingerprints (SHA256:...); when set, known_hosts is not consulted.'),
  connect_timeout: z
    .number()
    .int()
    .min(1)
    .max(600)
    .optional()
    .describe('Connect timeout in seconds (default 10).'),
};

export const jumpSchema = s({
  host: z.string().min(1).describe('Bastion address or name.'),
  ...sshCommon,
}).describe('Jump host (bastion) the connection goes through.');

export const sshSchema = s({
  host: z
    .string()
    .min(1)
    .optional()
    .describe("Address or name to connect to (default: the node's first link address)."),
  ...sshCommon,
  become: becomeSchema.optional(),
  jump: jumpSchema.optional(),
}).describe('How hakit reaches the node. Where silent, ~/.ssh/config and `defaults.ssh` apply.');

export const sshDefaultsSchema = s({
  ...sshCommon,
  become: becomeSchema.optional(),
  jump: jumpSchema.optional(),
}).describe('SSH settings every node inherits unless it sets its own.');

// ─── Cluster (corosync) ──────────────────────────────────────────────────────

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

export const linkOptionsSchema = s({
  number: z.number().int().min(0).max(7).describe('Link number (0–7).'),
  priority: z
    .number()
    .int()
    .min(0)
    .max(255)
    .optional()
    .describe('knet_link_priority (higher is preferred in passive mode).'),
  mcastport: port.optional().describe('UDP port of this link (default 5405).'),
  ping_interval: z.number().int().min(1).optional().describe('knet_ping_interval in ms.'),
  ping_timeout: z.number().int().min(1).optional().describe('knet_ping_timeout in ms.'),
});

export const quorumSchema = s({
  two_node: z
    .union([z.boolean(), z.literal('auto')])
    .default('auto')
    .describe('votequorum two_node. `auto`: on for exactly two pacemaker nodes without qdevice.'),
  wait_for_all: z.boolean().optional().describe('wait_for_all (implied on by two_node).'),
  auto_tie_breaker: z
    .boolean()
    .default(false)
    .describe('auto_tie_breaker: the partition with the lowest nodeid wins a 50/50 split.'),
  last_man_standing: z
    .boolean()
    .default(false)
    .describe('last_man_standing: recalculate expected votes as nodes leave.'),
  last_man_standing_window: z
    .number()
    .int()
    .min(1000)
    .optional()
    .describe('last_man_standing_window in ms (default 10000).'),
  qdevice: s({
    host: z.string().min(1).describe('Address of the corosync-qnetd server.'),
    algorithm: z.enum(['ffsplit', 'lms']).default('ffsplit').describe('qdevice net algorithm.'),
    port: port.default(5403).describe('qnetd port.'),
    tie_breaker: z.enum(['lowest', 'highest']).default('lowest').describe('Tie breaker for ffsplit.'),
  })
    .optional()
    .describe('A corosync-qnetd arbitrator (quorum device).'),
});

export const clusterSchema = s({
  name: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, { message: 'must be 1–32 letters, digits, "_" or "-"' })
    .describe('Cluster name (corosync totem.cluster_name).'),
  transport: z
    .literal('knet')
    .default('knet')
    .describe('Corosync transport; knet is the only supported one.'),
  links: z
    .array(linkOptionsSchema)
    .optional()
    .describe('Per-link knet options; link numbers must match the node link count.'),
  link_mode: z.enum(['passive', 'active', 'rr']).default('passive').describe('knet link_mode.'),
  crypto: s({
    cipher: z.enum(['aes256', 'aes192', 'aes128', 'none']).default('aes256').describe('crypto_cipher.'),
    hash: z
      .enum(['sha256', 'sha384', 'sha512', 'sha1', 'md5', 'none'])
      .default('sha256')
      .describe('crypto_hash.'),
  })
    .prefault({})
    .describe('Corosync crypto (knet). Default aes256/sha256.'),
  totem: s({
    token: z.number().int().min(100).max(300000).default(3000).describe('Token timeout in ms.'),
    token_coefficient: z
      .number()
      .int()
      .min(0)
      .default(650)
      .describe('Added to token per node beyond two, in ms.'),
    consensus: z
      .number()
      .int()
      .min(100)
      .optional()
      .describe('Consensus timeout in ms (default 1.2 × token).'),
    join: z.number().int().min(1).optional().describe('Join timeout in ms (default 50).'),
    max_messages: z.number().int().min(1).optional().describe('max_messages per token rotation.'),
  })
    .prefault({})
    .describe('Totem timing.'),
  quorum: quorumSchema.prefault({}).describe('Corosync votequorum settings.'),
  authkey: secretRef
    .optional()
    .describe(
      'Corosync authkey (`file:` reference to the key; `env:` holds it base64-encoded), put on every member as /etc/corosync/authkey (0400 root). When absent, `hakit bootstrap` keeps the key the members already share (those hakit configured) or, on a first bootstrap, generates 256 random bytes and puts the same bytes on every member; the key is never printed nor stored on the controller. Members holding different keys, or an unreachable member when none holds one, stop the run before anything changes.',
    ),
  hacluster_password: secretRef
    .optional()
    .describe('Password of the hacluster user (secret reference), for pcsd.'),
}).describe('Corosync cluster settings.');

// ─── Host preparation ────────────────────────────────────────────────────────

export const hostPrepSchema = s({
  selinux: z
    .enum(['enforcing', 'permissive', 'disabled'])
    .default('enforcing')
    .describe('SELinux mode on hosts that have SELinux. Anything but enforcing prints a warning.'),
  firewall: z
    .enum(['manage', 'leave', 'disabled'])
    .default('manage')
    .describe(
      'manage: open the cluster ports in firewalld/ufw; leave: do not touch; disabled: stop the firewall (warns). Not applied yet: `hakit bootstrap` leaves every host firewall as it is, whatever this says.',
    ),
  chrony: s({
    servers: z.array(z.string().min(1)).default([]).describe('NTP servers (`server` lines, iburst).'),
    pools: z.array(z.string().min(1)).default([]).describe('NTP pools (`pool` lines, iburst).'),
    makestep: s({
      threshold: z
        .number()
        .positive()
        .default(1)
        .describe('Step the clock when off by more than this many seconds.'),
      limit: z.number().int().default(3).describe('…during the first N updates (-1: always).'),
    })
      .prefault({})
      .describe('chrony makestep.'),
    allow: z.array(z.string()).default([]).describe('Networks allowed to use this host as an NTP server.'),
  })
    .prefault({})
    .describe('Time synchronisation (chrony).'),
  hosts_file: z
    .boolean()
    .default(true)
    .describe('Manage a block in /etc/hosts with every node (name → link 0 address).'),
  ssh_trust: z
    .boolean()
    .default(true)
    .describe(
      'Set up root SSH trust between the nodes (keys + known_hosts). Not applied yet: `hakit bootstrap` does not set it up.',
    ),
  package_family: z
    .enum(['auto', 'apt', 'dnf'])
    .default('auto')
    .describe('Package manager family; auto detects it from the host.'),
  sysctl: z
    .record(z.string().regex(/^[a-z0-9_.-]+$/), scalar)
    .default({})
    .describe('Extra sysctl settings.'),
})
  .prefault({})
  .describe('Host preparation.');

// ─── Pacemaker ───────────────────────────────────────────────────────────────

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

// ─── HAProxy ─────────────────────────────────────────────────────────────────

const modeEnum = z.enum(['tcp', 'http']);

export const haproxyServerSchema = s({
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/),
  node: nodeName.optional().describe('Inventory node; its link 0 address is used when `address` is absent.'),
  address: z.string().min(1).optional().describe("Server address (default: the node's address)."),
  port: port,
  backup: z.boolean().default(false).describe('Only used when all non-backup servers are down.'),
  weight: z.number().int().min(0).max(256).optional(),
}).describe('A backend server.');

export const haproxyCheckSchema = s({
  type: z
    .enum(['tcp', 'http', 'mysql', 'galera'])
    .default('tcp')
    .describe(
      'tcp: connect; http: HTTP GET `path`; mysql: MySQL handshake; galera: HTTP check of wsrep state (port 9200).',
    ),
  path: z.string().default('/').describe('HTTP check path.'),
  port: port.optional().describe('Check port (galera: 9200).'),
  inter: duration.default('2s').describe('Interval between checks.'),
  fall: z.number().int().min(1).default(3).describe('Failed checks before a server is down.'),
  rise: z.number().int().min(1).default(2).describe('Successful checks before a server is up.'),
  expect_status: z.number().int().min(100).max(599).default(200).describe('Expected HTTP status.'),
}).describe('Server health checks.');

export const haproxyFrontendSchema = s({
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/),
  bind: z
    .array(z.string().regex(/^[^\s]*:\d+$/, { message: 'must be ADDRESS:PORT or *:PORT' }))
    .min(1)
    .describe('Listen addresses, e.g. `*:3306` or `10.0.0.100:80`.'),
  mode: modeEnum.default('tcp'),
  default_backend: z.string().describe('Backend name.'),
  options: z.array(z.string()).default([]).describe('Extra `option` lines (e.g. forwardfor).'),
  maxconn: z.number().int().min(1).optional(),
}).describe('A frontend.');

export const haproxyBackendSchema = s({
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/),
  mode: modeEnum.default('tcp'),
  balance: z.enum(['roundrobin', 'leastconn', 'source', 'first', 'static-rr']).default('roundrobin'),
  check: haproxyCheckSchema.prefault({}),
  servers: z.array(haproxyServerSchema).min(1),
  options: z.array(z.string()).default([]),
}).describe('A backend.');

export const haproxySchema = s({
  global: s({
    maxconn: z.number().int().min(1).default(4096),
    user: z.string().default('haproxy'),
    group: z.string().default('haproxy'),
    stats_socket: z
      .string()
      .startsWith('/')
      .default('/run/haproxy/admin.sock')
      .describe('Runtime API socket.'),
  }).prefault({}),
  defaults: s({
    mode: modeEnum.default('tcp'),
    retries: z.number().int().min(0).default(3),
    timeouts: s({
      connect: duration.default('5s'),
      client: duration.default('1m'),
      server: duration.default('1m'),
      check: duration.default('5s'),
    }).prefault({}),
  }).prefault({}),
  stats: s({
    bind: z
      .string()
      .regex(/^[^\s]*:\d+$/)
      .describe('Stats page address, e.g. `127.0.0.1:8404`.'),
    uri: z.string().default('/stats'),
  })
    .optional()
    .describe('HTTP statistics page.'),
  frontends: z.array(haproxyFrontendSchema).default([]),
  backends: z.array(haproxyBackendSchema).default([]),
}).describe('HAProxy load balancer, on nodes with the haproxy role.');

// ─── Galera ──────────────────────────────────────────────────────────────────

export const galeraSchema = s({
  cluster_name: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .describe('wsrep_cluster_name.'),
  members: z.array(nodeName).optional().describe('Galera nodes (default: nodes with the galera role).'),
  port: port.default(3306).describe('MariaDB client port.'),
  sst: s({
    method: z.enum(['rsync', 'mariabackup']).default('rsync').describe('State snapshot transfer method.'),
    user: z.string().default('sst').describe('SST user (mariabackup).'),
    password: secretRef.optional().describe('SST password (secret reference); required for mariabackup.'),
  })
    .prefault({})
    .describe('State snapshot transfer.'),
  innodb_flush_log_at_trx_commit: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(1),
  provider_options: z
    .record(z.string().regex(/^[a-z0-9_.]+$/), scalar)
    .default({})
    .describe('Extra wsrep_provider_options.'),
  check_user: z.string().default('clustercheck').describe('User of the Galera health check (port 9200).'),
  check_password: secretRef.optional().describe('Password of the health check user (secret reference).'),
  garbd: s({
    node: nodeName.describe('Inventory node that runs garbd (role garbd).'),
  })
    .optional()
    .describe('Galera arbitrator, for 2-node setups.'),
}).describe('MariaDB Galera cluster.');

// ─── DRBD ────────────────────────────────────────────────────────────────────

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
  'DRBD replicated block devices. Rendered and validated by `hakit check`; not applied by `hakit bootstrap` yet.',
);

// ─── keepalived ──────────────────────────────────────────────────────────────

export const keepalivedTrackScriptSchema = s({
  name: z.string().regex(/^[A-Za-z0-9_]+$/),
  script: z.string().min(1).describe('Command; exit 0 means healthy.'),
  interval: z.number().int().min(1).default(2),
  weight: z.number().int().min(-254).max(254).default(-20),
  fall: z.number().int().min(1).default(2),
  rise: z.number().int().min(1).default(2),
});

export const keepalivedInstanceSchema = s({
  name: z.string().regex(/^[A-Za-z0-9_]+$/),
  interface: z.string().min(1),
  vrid: z.number().int().min(1).max(255).describe('virtual_router_id, unique on the segment.'),
  members: z
    .array(s({ node: nodeName, priority: z.number().int().min(1).max(254) }))
    .min(1)
    .describe('Nodes and their VRRP priority (highest is master).'),
  advert_int: z.number().int().min(1).default(1),
  unicast: z.boolean().default(true).describe('Use unicast peers (the other members) instead of multicast.'),
  nopreempt: z.boolean().default(false),
  auth_pass: secretRef.optional().describe('VRRP PASS authentication (secret reference).'),
  track_scripts: z.array(keepalivedTrackScriptSchema).default([]),
  vips: z
    .array(z.string().regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, { message: 'must be ADDRESS/PREFIX' }))
    .min(1),
}).describe('A VRRP instance.');

export const keepalivedSchema = s({
  instances: z.array(keepalivedInstanceSchema).min(1),
}).describe(
  'keepalived VRRP (a VIP without Pacemaker). Rendered and validated by `hakit check`; not applied by `hakit bootstrap` yet.',
);

// ─── The inventory ───────────────────────────────────────────────────────────

export const inventorySchema = s({
  cluster: clusterSchema,
  defaults: s({ ssh: sshDefaultsSchema.optional() }).prefault({}).describe('Defaults for all nodes.'),
  nodes: z
    .array(nodeSchema)
    .min(1, { message: 'needs at least one node' })
    .describe('The cluster nodes (hosts hakit manages), in corosync nodeid order.'),
  groups: z
    .record(z.string().regex(/^[a-z][a-z0-9_-]*$/), z.array(nodeName))
    .default({})
    .describe('Named groups of nodes, usable as playbook targets.'),
  host_prep: hostPrepSchema,
  pacemaker: pacemakerSchema,
  haproxy: haproxySchema.optional(),
  galera: galeraSchema.optional(),
  drbd: drbdSchema.optional(),
  keepalived: keepalivedSchema.optional(),
}).describe('A hakit inventory: one file per environment.');

export type Inventory = z.infer<typeof inventorySchema>;
export type InventoryInput = z.input<typeof inventorySchema>;
export type InventoryNode = Inventory['nodes'][number];
export type Resource = Inventory['pacemaker']['resources'][number];
export type Role = (typeof ROLES)[number];
