import type { ComponentContext, SelinuxBooleanNeed, SelinuxNeeds, SelinuxPortNeed } from '../types.js';

/** Where `semanage` lives on the dnf family (EL 8 and later, Fedora). */
export const SEMANAGE_PACKAGE = 'policycoreutils-python-utils';

/** What the `selinux_policy` operation applies on one host: its components' needs, merged. */
export interface DesiredSelinux {
  /** `host_prep.selinux`: nothing is applied when it says disabled. */
  mode: 'enforcing' | 'permissive' | 'disabled';
  /** One need per protocol and port, in port order. */
  ports: SelinuxPortNeed[];
  booleans: SelinuxBooleanNeed[];
  /** Packages the labels need on this host (`semanage` on the dnf family); empty when none. */
  packages: string[];
}

/**
 * Merges the components' SELinux needs for one host. A port two components want: a need that is not `weak` wins
 * (MariaDB's 3306 stays mysqld_port_t when an HAProxy frontend on the same host listens on 3306 too: HAProxy binds
 * it through haproxy_connect_any); otherwise the first component's. A boolean: the first component's value.
 * The dnf family gets `policycoreutils-python-utils` (semanage) when there is a port to label and the inventory
 * keeps SELinux on; Debian hosts have no SELinux policy of this kind (nothing is applied there).
 */
export function desiredSelinux(ctx: ComponentContext, needs: readonly SelinuxNeeds[]): DesiredSelinux {
  const ports = new Map<string, SelinuxPortNeed>();
  const booleans = new Map<string, SelinuxBooleanNeed>();
  for (const n of needs) {
    for (const p of n.ports) {
      const key = `${p.proto}/${p.port}`;
      const had = ports.get(key);
      if (!had || (had.weak && !p.weak)) ports.set(key, p);
    }
    for (const b of n.booleans) if (!booleans.has(b.name)) booleans.set(b.name, b);
  }
  const mode = ctx.inv.host_prep.selinux;
  const sorted = [...ports.values()].sort((a, b) => a.port - b.port || a.proto.localeCompare(b.proto));
  return {
    mode,
    ports: sorted,
    booleans: [...booleans.values()],
    packages: ctx.layout.family === 'dnf' && mode !== 'disabled' && sorted.length ? [SEMANAGE_PACKAGE] : [],
  };
}
