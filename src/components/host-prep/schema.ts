import { z } from 'zod';
import { strict as s, scalar } from '../../model/index.js';
import { chronySchema } from '../chrony/schema.js';
import { hostsFileSchema } from '../hosts/schema.js';

/** The host preparation slice of the inventory (`host_prep`), with the chrony and hosts components' keys. */

export const hostPrepSchema = s({
  selinux: z
    .enum(['enforcing', 'permissive', 'disabled'])
    .default('enforcing')
    .describe(
      'SELinux mode on hosts that have SELinux. Anything but enforcing prints a warning. Unless disabled, RHEL-like hosts also get what the cluster needs under SELinux, only where it differs: `mysqld_port_t` on Galera ports (client port, 4567, 4568, 4444; `semanage port -m` over another type), `http_port_t` on HAProxy frontend and stats ports no other type claims, booleans `haproxy_connect_any` (HAProxy nodes) and `daemons_enable_cluster_mode` (cluster members) with `setsebool -P`; policycoreutils-python-utils (semanage) is installed for it.',
    ),
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
