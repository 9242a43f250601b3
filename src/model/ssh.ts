import { z } from 'zod';
import { port, strict as s } from './primitives.js';
import { secretRef } from './secret-ref.js';

/** How hakit reaches a node over SSH: per node (`nodes[].ssh`) and for every node (`defaults.ssh`). */

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
