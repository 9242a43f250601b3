import { z } from 'zod';
import { strict as s, scalar } from '../../model/index.js';
import { chronySchema } from '../chrony/schema.js';
import { hostsFileSchema } from '../hosts/schema.js';

/** The host preparation slice of the inventory (`host_prep`), with the chrony and hosts components' keys. */

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
  chrony: chronySchema,
  hosts_file: hostsFileSchema,
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
