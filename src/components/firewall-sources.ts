import { type InventoryNode, linkAddresses } from '../model/index.js';

/**
 * The addresses `peers` send from, as firewall sources for `self`: every link address of every peer but `self`
 * (its own traffic goes over the loopback interface, which ufw and firewalld always let through), deduplicated.
 */
export function peerSources(self: InventoryNode, peers: readonly InventoryNode[]): string[] {
  const own = new Set(linkAddresses(self));
  const out = new Set<string>();
  for (const p of peers)
    if (p.name !== self.name) for (const a of linkAddresses(p)) if (!own.has(a)) out.add(a);
  return [...out];
}
