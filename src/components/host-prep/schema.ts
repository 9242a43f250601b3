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
      'The host firewall, applied by `hakit bootstrap` (first task of playbooks/prepare.yaml, tag `firewall`). ' +
        "`manage`: only the ports this node's roles need are let in, SSH first (the node's `ssh.port`, else " +
        "`defaults.ssh.port`, else 22) and from anyone, like HAProxy's frontend ports and its stats port unless it binds a " +
        "loopback address; from the other nodes' link addresses only: corosync knet UDP per link (the link's " +
        "`mcastport`, default 5405, from the other members' address on that link), Galera's client port, 4567 (TCP " +
        "and UDP; `base_port`), IST (4568), SST (4444) and the clustercheck port (9200 or the haproxy galera check's), " +
        "garbd's 4567, each DRBD resource's port (from its members), VRRP (IP protocol 112, from the keepalived " +
        "instance's members). pcsd (2224) and pacemaker_remote (3121) are not opened: hakit runs neither. " +
        'Debian-like hosts: ufw is installed, gets the missing rules (commented `hakit …`), loses `hakit` rules no longer ' +
        'needed (other rules stay), denies incoming by default and is enabled. RHEL-like hosts: firewalld is started and ' +
        'enabled, and its default zone gets the missing ports (`--add-port`) and rich rules (one source address and ' +
        'port each), permanent and runtime; nothing is removed there; firewalld missing stops the run before anything ' +
        'changes on that host. `leave`: the firewall is not touched. `disabled`: ufw and firewalld are stopped and ' +
        'disabled where installed (warns).',
    ),
  chrony: chronySchema,
  hosts_file: hostsFileSchema,
  ssh_trust: z
    .boolean()
    .default(true)
    .describe(
      'Root SSH trust between the nodes, applied by `hakit bootstrap` (playbooks/prepare.yaml, tag `ssh_trust`): ' +
        'each node gets a root key (`/root/.ssh/id_ed25519`, ed25519, made on the node when missing, never read by ' +
        "hakit); every other node's root public key goes into a hakit block of `/root/.ssh/authorized_keys`, and " +
        'its host keys into a hakit block of `/root/.ssh/known_hosts` under its node name and link addresses, so ' +
        '`ssh root@PEER` works with StrictHostKeyChecking on. Lines outside the blocks are left alone. `false`: ' +
        'nothing is done (existing blocks stay).',
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
