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
 * MariaDB Galera under SELinux (mysqld_t) on a member: every port mariadbd and its SST binds gets
 * `mysqld_port_t`, the type mysqld_t may bind. The targeted policy labels 3306 so, but 4567 is `tram_port_t`,
 * 4444 `kerberos_port_t` and 4568 nothing in some releases (Percona XtraDB Cluster docs, "Enable SELinux":
 * `semanage port -l` shows them, and advise mysqld_port_t for Galera's ports; the OpenStack HA guide's Galera
 * chapter labels 4567/4568/4444 mysqld_port_t; Red Hat's openstack-selinux relabels 4444 with
 * `semanage port -m -t mysqld_port_t -p tcp 4444`, bz#1118859). One type for all of them is right in every
 * release: a port already mysqld_port_t is left alone, another type is modified (-m), no type is added (-a).
 *
 * Ports: the client port (`galera.port`), group communication (`base_port` in provider_options, default 4567),
 * IST (`ist.recv_addr`'s port, default group communication + 1) and SST (4444). No boolean: the rsync booleans
 * (rsync_client, rsync_full_access) widen rsync_t, the domain of a stand-alone rsync daemon; nothing we found
 * shows a Galera SST needs them, so they are left as they are.
 */
export function galeraSelinux(ctx: ComponentContext): SelinuxNeeds {
  const g = ctx.inv.galera;
  if (!g || !galeraMembers(ctx.inv).includes(ctx.node.name)) return { ports: [], booleans: [] };
  const base = Number(g.provider_options.base_port ?? GALERA_GCOMM_PORT) || GALERA_GCOMM_PORT;
  const ist = portOf(g.provider_options['ist.recv_addr']) ?? base + 1;
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
