import type { ComponentContext, SelinuxNeeds, SelinuxPortNeed } from '../types.js';

/** The port of a `bind` address (`*:3306`, `10.0.0.100:80`, `[::]:443`). */
function bindPort(bind: string): number {
  return Number(bind.slice(bind.lastIndexOf(':') + 1));
}

/**
 * HAProxy under SELinux (haproxy_t) on an HAProxy node:
 * - `haproxy_connect_any` on: haproxy_t may then connect to any port (the backends' 3306, the Galera health
 *   check's 9200, application ports) and bind its listeners on any port. The Foreman project's load-balancer
 *   guide replaced "permissive mode" with exactly this, "to allow HAProxy to bind any port"
 *   (theforeman/theforeman.org#1081); Red Hat's OpenStack HA stack (HAProxy in front of Galera and the API
 *   services, under Pacemaker) turns it on too (redhat-openstack/openstack-selinux local_settings.sh:
 *   `boolean -m --on haproxy_connect_any`).
 * - every frontend and the stats page: `http_port_t`, HAProxy's own port type, on a port no other service's
 *   type claims (weak: a port such as 3306 keeps mysqld_port_t — relabelling it would lock MariaDB out — and is
 *   bound through the boolean). The label keeps the listeners bindable should the boolean be switched off.
 */
export function haproxySelinux(ctx: ComponentContext): SelinuxNeeds {
  const h = ctx.inv.haproxy;
  if (!h || !ctx.node.roles.includes('haproxy')) return { ports: [], booleans: [] };
  const ports: SelinuxPortNeed[] = [];
  const add = (port: number, why: string) => {
    if (!ports.some((p) => p.port === port))
      ports.push({ port, proto: 'tcp', type: 'http_port_t', why, weak: true });
  };
  for (const f of h.frontends) for (const b of f.bind) add(bindPort(b), `HAProxy frontend ${f.name}`);
  if (h.stats) add(bindPort(h.stats.bind), 'HAProxy stats page');
  return {
    ports,
    booleans: [
      {
        name: 'haproxy_connect_any',
        value: true,
        why: 'HAProxy connects to its backends and health-check ports',
      },
    ],
  };
}
