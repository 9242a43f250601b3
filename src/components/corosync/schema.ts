import { z } from 'zod';
import { port, strict as s, secretRef } from '../../model/index.js';

/** The corosync slice of the inventory (`cluster`): totem, knet links, crypto, votequorum and the authkey. */

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
