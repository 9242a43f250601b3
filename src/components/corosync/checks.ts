import { clusterNodes, type Findings } from '../../model/index.js';
import type { Inventory } from '../inventory-schema.js';
import { effectiveTwoNode } from './quorum.js';

/** Corosync: knet link options that match the nodes' links, and votequorum settings that keep quorum safe. */
export function corosyncChecks(inv: Inventory, f: Findings): void {
  const maxLinks = Math.max(...inv.nodes.map((n) => n.links.length));
  if (inv.cluster.links) {
    const nums = new Set<number>();
    inv.cluster.links.forEach((l, i) => {
      if (nums.has(l.number)) f.error(['cluster', 'links', i, 'number'], `duplicate link number ${l.number}`);
      nums.add(l.number);
      if (l.number >= maxLinks)
        f.error(
          ['cluster', 'links', i, 'number'],
          `link ${l.number} does not exist: nodes have ${maxLinks} link(s)`,
        );
    });
  }

  const members = clusterNodes(inv);
  const q = inv.cluster.quorum;
  if (members.length === 2 && q.two_node === false && !q.qdevice)
    f.error(
      ['cluster', 'quorum', 'two_node'],
      'a 2-node cluster without two_node or a qdevice loses quorum when either node fails: set two_node (or auto) or add a qdevice',
    );
  if (q.two_node === true && members.length !== 2)
    f.error(
      ['cluster', 'quorum', 'two_node'],
      `two_node needs exactly 2 cluster nodes, found ${members.length}`,
    );
  if (q.qdevice && q.two_node === true)
    f.error(['cluster', 'quorum', 'two_node'], 'two_node cannot be combined with a qdevice');
  if (q.qdevice && q.auto_tie_breaker)
    f.error(
      ['cluster', 'quorum', 'auto_tie_breaker'],
      'auto_tie_breaker is incompatible with a quorum device',
    );
  if (q.qdevice && f.isNode(q.qdevice.host))
    f.error(['cluster', 'quorum', 'qdevice', 'host'], 'the qdevice (qnetd) host must not be a cluster node');
  if (effectiveTwoNode(inv) && q.wait_for_all === false)
    f.warn(
      ['cluster', 'quorum', 'wait_for_all'],
      'wait_for_all off with two_node: both nodes may start alone and fence each other',
    );
  if (members.length === 1) f.warn(['nodes'], 'a single cluster node gives no high availability');
  if (q.last_man_standing && !q.wait_for_all && !effectiveTwoNode(inv))
    f.warn(['cluster', 'quorum', 'last_man_standing'], 'last_man_standing is safe only with wait_for_all');
}
