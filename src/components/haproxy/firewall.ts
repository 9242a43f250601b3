import type { ComponentContext, FirewallNeed } from '../types.js';

/** Host and port of a `bind` address (`*:3306`, `10.0.0.100:80`, `[::1]:8404`). */
function splitBind(bind: string): { host: string; port: number } {
  const i = bind.lastIndexOf(':');
  return { host: bind.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(bind.slice(i + 1)) };
}

const LOOPBACK = /^(127\.|::1$|localhost$)/;

/**
 * HAProxy on an HAProxy node: every frontend's bind port, open to anyone (the cluster's public entry points), and
 * the stats page's port unless it binds a loopback address (127.0.0.0/8, ::1, localhost).
 */
export function haproxyFirewall(ctx: ComponentContext): FirewallNeed[] {
  const h = ctx.inv.haproxy;
  if (!h || !ctx.node.roles.includes('haproxy')) return [];
  const needs: FirewallNeed[] = [];
  for (const f of h.frontends)
    for (const b of f.bind)
      needs.push({ proto: 'tcp', port: splitBind(b).port, from: 'any', why: `haproxy ${f.name}` });
  if (h.stats) {
    const { host, port } = splitBind(h.stats.bind);
    if (!LOOPBACK.test(host)) needs.push({ proto: 'tcp', port, from: 'any', why: 'haproxy stats' });
  }
  return needs;
}
