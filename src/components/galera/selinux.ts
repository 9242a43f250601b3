import type { Inventory } from '../inventory-schema.js';
import type { ComponentContext, SelinuxNeeds, SelinuxPortNeed } from '../types.js';
import { galeraMembers } from './members.js';
import { GALERA_GCOMM_PORT } from './view.js';

/** The SST listener of the joiner (rsync daemon or mariabackup's socat): wsrep_sst_* scripts' default. */
export const GALERA_SST_PORT = 4444;

/** The port of a `host:port` / `tcp://host:port` provider option value, or null. */
function portOf(v: unknown): number | null {
  const m = /:(\d{1,5})$/.exec(String(v));
  return m ? Number(m[1]) : null;
}

/**
 * Galera's ports besides the client port: group communication (`base_port` in provider_options, default 4567), IST
 * (`ist.recv_addr`'s port, default group communication + 1) and SST (4444).
 */
export function galeraPorts(g: NonNullable<Inventory['galera']>): {
  gcomm: number;
  ist: number;
  sst: number;
} {
  const gcomm = Number(g.provider_options.base_port ?? GALERA_GCOMM_PORT) || GALERA_GCOMM_PORT;
  return { gcomm, ist: portOf(g.provider_options['ist.recv_addr']) ?? gcomm + 1, sst: GALERA_SST_PORT };
}

/**
 * MariaDB Galera under SELinux (mysqld_t) on a member: every port mariadbd and its SST bind gets `mysqld_port_t`,
 * the type mysqld_t may bind. RHEL's targeted policy types 3306 so (`mysqld_port_t tcp 1186, 3306, 63132-63164`),
 * but 4567 is `tram_port_t` and 4444 `kerberos_port_t`, and 4568 is not mysqld_port_t everywhere (Percona XtraDB
 * Cluster docs, "Enable SELinux", show `semanage port -l` so and advise the general mysqld_port_t for Galera's
 * ports). The OpenStack HA guide ("Configuring the server", SELinux) opens Galera's ports with
 * `semanage port -a -t mysqld_port_t -p tcp PORT`; Red Hat's openstack-selinux (local_settings.sh, bz#1118859)
 * relabels 4444 with `semanage port -m -t mysqld_port_t -p tcp 4444`. One type for all of them is right in every
 * release: a port already mysqld_port_t is left alone, one of another type is modified (-m), one of no type is
 * added (-a).
 *
 * Ports: the client port (`galera.port`), group communication (`base_port` in provider_options, default 4567),
 * IST (`ist.recv_addr`'s port, default group communication + 1) and SST (4444). No boolean: the rsync booleans
 * (rsync_client, rsync_full_access) widen rsync_t, the domain of a stand-alone rsync daemon; nothing we found shows
 * a Galera SST needs them, so they are left as they are (openstack-selinux turns them on for its whole stack).
 */
export function galeraSelinux(ctx: ComponentContext): SelinuxNeeds {
  const g = ctx.inv.galera;
  if (!g || !galeraMembers(ctx.inv).includes(ctx.node.name)) return { ports: [], booleans: [] };
  const { gcomm: base, ist } = galeraPorts(g);
  const ports: SelinuxPortNeed[] = [];
  const add = (port: number, why: string) => {
    if (!ports.some((p) => p.port === port)) ports.push({ port, proto: 'tcp', type: 'mysqld_port_t', why });
  };
  add(g.port, 'MariaDB clients');
  add(base, 'Galera group communication');
  add(ist, 'Galera IST');
  add(GALERA_SST_PORT, 'Galera SST');
  return { ports, booleans: [] };
}
