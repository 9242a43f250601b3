import { type Finding, Findings, linkAddresses, nodeId } from '../model/index.js';
import { corosyncChecks } from './corosync/checks.js';
import { drbdChecks } from './drbd/checks.js';
import { galeraChecks } from './galera/checks.js';
import { haproxyChecks } from './haproxy/checks.js';
import { hostPrepChecks } from './host-prep/checks.js';
import type { Inventory } from './inventory-schema.js';
import { keepalivedChecks } from './keepalived/checks.js';
import { pacemakerChecks } from './pacemaker/checks.js';

/** One component's semantic checks: it reports what it finds in the inventory. */
export type ComponentChecks = (inv: Inventory, f: Findings) => void;

/** Every component's checks, in the order their findings are made (the loader then sorts them by position). */
export const COMPONENT_CHECKS: readonly ComponentChecks[] = [
  corosyncChecks,
  pacemakerChecks,
  hostPrepChecks,
  galeraChecks,
  drbdChecks,
  haproxyChecks,
  keepalivedChecks,
];

/**
 * Checks that go beyond shape: references, uniqueness, quorum math, and safety switches that must warn.
 * Pure: the inventory is already schema-valid. The node list and groups are checked here, then each component.
 */
export function semanticChecks(inv: Inventory): Finding[] {
  const f = new Findings(inv.nodes);
  nodeChecks(inv, f);
  for (const check of COMPONENT_CHECKS) check(inv, f);
  return f.list;
}

/** Unique node names, corosync ids and addresses; the same number of links on every node; groups of nodes. */
function nodeChecks(inv: Inventory, f: Findings): void {
  const seenName = new Map<string, number>();
  const seenId = new Map<number, number>();
  const seenAddr = new Map<string, string>();
  inv.nodes.forEach((n, i) => {
    if (seenName.has(n.name))
      f.error(['nodes', i, 'name'], `duplicate node name "${n.name}" (also nodes[${seenName.get(n.name)}])`);
    else seenName.set(n.name, i);
    const id = nodeId(inv, n);
    if (seenId.has(id))
      f.error(
        ['nodes', i, n.id !== undefined ? 'id' : 'name'],
        `duplicate corosync node id ${id} (also nodes[${seenId.get(id)}])`,
      );
    else seenId.set(id, i);
    linkAddresses(n).forEach((a, li) => {
      const prev = seenAddr.get(a);
      if (prev) f.error(['nodes', i, 'links', li], `duplicate address ${a} (also ${prev})`);
      else seenAddr.set(a, `nodes[${i}].links[${li}]`);
    });
  });
  const maxLinks = Math.max(...inv.nodes.map((n) => n.links.length));
  inv.nodes.forEach((n, i) => {
    if (n.links.length < maxLinks)
      f.error(
        ['nodes', i, 'links'],
        `has ${n.links.length} link(s) but other nodes have ${maxLinks}: link ${n.links.length} is missing on ${n.name}`,
      );
  });
  for (const [g, members] of Object.entries(inv.groups)) {
    if (f.isNode(g)) f.error(['groups', g], `group "${g}" has the same name as a node`);
    members.forEach((m, i) => f.unknownNode(m, ['groups', g, i]));
  }
}
