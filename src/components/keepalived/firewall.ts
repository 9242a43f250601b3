import { linkAddresses, requireNode } from '../../model/index.js';
import type { ComponentContext, FirewallNeed } from '../types.js';

/** keepalived on an instance member: VRRP (IP protocol 112) from the instance's other members. */
export function keepalivedFirewall(ctx: ComponentContext): FirewallNeed[] {
  const from = new Set<string>();
  for (const i of ctx.inv.keepalived?.instances ?? []) {
    if (!i.members.some((m) => m.node === ctx.node.name)) continue;
    for (const m of i.members)
      if (m.node !== ctx.node.name) for (const a of linkAddresses(requireNode(ctx.inv, m.node))) from.add(a);
  }
  return from.size ? [{ proto: 'vrrp', from: [...from], why: 'keepalived vrrp' }] : [];
}
