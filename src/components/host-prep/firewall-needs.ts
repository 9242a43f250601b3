import type { ComponentContext, FirewallNeed } from '../types.js';

/** ufw is the firewall hakit manages on the apt family (installed when missing); firewalld on dnf hosts. */
export const UFW_PACKAGE = 'ufw';

/** ufw's multiport match takes at most 15 ports per rule. */
const MAX_PORTS = 15;

/**
 * One allow rule: `from` null for anyone (SSH, HAProxy's listeners), else one source address. `ports` is empty
 * for vrrp. The comment starts with `hakit` (how ufw rules hakit added are recognised).
 */
export interface FirewallRule {
  proto: 'tcp' | 'udp' | 'vrrp';
  ports: number[];
  from: string | null;
  comment: string;
}

/** What the `firewall` operation applies on one host. */
export interface DesiredFirewall {
  /** `host_prep.firewall`. */
  mode: 'manage' | 'leave' | 'disabled';
  /** SSH first, then the public listeners by port, then per source address: tcp, udp, vrrp. */
  rules: FirewallRule[];
  /** The firewall tool to install before the rules (ufw on the apt family under `manage`); empty when none. */
  packages: string[];
}

/** The SSH port hakit reaches the node on, from the inventory (the node's, else the defaults', else 22). */
export function sshPort(ctx: ComponentContext): number {
  return ctx.node.ssh?.port ?? ctx.inv.defaults.ssh?.port ?? 22;
}

/**
 * Merges the components' firewall needs for one host into allow rules, SSH first (so enabling the firewall never
 * locks the operator out). A port needed by anyone is one public rule (and covers the same port's cluster needs);
 * cluster ports are grouped per source address and protocol, ports ascending, at most 15 per rule.
 */
export function desiredFirewall(ctx: ComponentContext, needs: readonly FirewallNeed[]): DesiredFirewall {
  const mode = ctx.inv.host_prep.firewall;
  const ssh = sshPort(ctx);
  const rules: FirewallRule[] = [{ proto: 'tcp', ports: [ssh], from: null, comment: 'hakit ssh' }];
  const publicKeys = new Set([`tcp/${ssh}`]);
  const publicRules: FirewallRule[] = [];
  for (const n of needs) {
    if (n.from !== 'any' || n.port === undefined) continue;
    const key = `${n.proto}/${n.port}`;
    if (publicKeys.has(key)) continue;
    publicKeys.add(key);
    publicRules.push({
      proto: n.proto,
      ports: [n.port],
      from: null,
      comment: `hakit ${n.why.replace(/[^A-Za-z0-9 ._-]/g, '-')}`,
    });
  }
  publicRules.sort((a, b) => (a.ports[0] ?? 0) - (b.ports[0] ?? 0) || a.proto.localeCompare(b.proto));
  rules.push(...publicRules);
  const bySource = new Map<string, Map<FirewallRule['proto'], Set<number>>>();
  for (const n of needs) {
    if (n.from === 'any') continue;
    if (n.port !== undefined && publicKeys.has(`${n.proto}/${n.port}`)) continue;
    for (const src of n.from) {
      const protos = bySource.get(src) ?? new Map<FirewallRule['proto'], Set<number>>();
      bySource.set(src, protos);
      const ports = protos.get(n.proto) ?? new Set<number>();
      protos.set(n.proto, ports);
      if (n.port !== undefined) ports.add(n.port);
    }
  }
  for (const [src, protos] of bySource)
    for (const proto of ['tcp', 'udp', 'vrrp'] as const) {
      const ports = protos.get(proto);
      if (!ports) continue;
      if (proto === 'vrrp') {
        rules.push({ proto, ports: [], from: src, comment: 'hakit vrrp' });
        continue;
      }
      const sorted = [...ports].sort((a, b) => a - b);
      for (let i = 0; i < sorted.length; i += MAX_PORTS)
        rules.push({ proto, ports: sorted.slice(i, i + MAX_PORTS), from: src, comment: 'hakit cluster' });
    }
  return {
    mode,
    rules,
    packages: mode === 'manage' && ctx.layout.family === 'apt' ? [UFW_PACKAGE] : [],
  };
}
