import { primaryAddress, requireNode } from '../../model/index.js';
import type { ComponentContext, FirewallNeed } from '../types.js';

/** DRBD on a member: each resource's port (TCP), from the other members' replication addresses. */
export function drbdFirewall(ctx: ComponentContext): FirewallNeed[] {
  const needs: FirewallNeed[] = [];
  for (const r of ctx.inv.drbd?.resources ?? []) {
    const names = r.members.map((m) => (typeof m === 'string' ? m : m.node));
    if (!names.includes(ctx.node.name)) continue;
    const from = r.members
      .filter((m) => (typeof m === 'string' ? m : m.node) !== ctx.node.name)
      .map((m) =>
        typeof m !== 'string' && m.address
          ? m.address
          : primaryAddress(requireNode(ctx.inv, typeof m === 'string' ? m : m.node)),
      );
    needs.push({ proto: 'tcp', port: r.port, from, why: `drbd ${r.name}` });
  }
  return needs;
}
