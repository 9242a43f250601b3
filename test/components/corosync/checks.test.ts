import { describe, expect, it } from 'vitest';
import { corosyncChecks } from '../../../src/components/corosync/checks.js';
import { findings, inventory } from '../support/inventory.js';

const twoNodes = [
  { name: 'n1', links: ['10.0.0.1'] },
  { name: 'n2', links: ['10.0.0.2'] },
];

describe('corosync checks', () => {
  it('accepts a three-node cluster with default quorum settings', () => {
    expect(findings(corosyncChecks, inventory())).toEqual([]);
  });

  it('rejects link options for a link the nodes do not have, and a link number given twice', () => {
    const inv = inventory({ cluster: { name: 't', links: [{ number: 0 }, { number: 0 }, { number: 1 }] } });
    expect(findings(corosyncChecks, inv)).toEqual([
      'error cluster.links.1.number: duplicate link number 0',
      'error cluster.links.2.number: link 1 does not exist: nodes have 1 link(s)',
    ]);
  });

  it('rejects quorum settings that lose quorum or contradict each other', () => {
    expect(
      findings(
        corosyncChecks,
        inventory({ cluster: { name: 't', quorum: { two_node: false } }, nodes: twoNodes }),
      ),
    ).toEqual([
      'error cluster.quorum.two_node: a 2-node cluster without two_node or a qdevice loses quorum when either node fails: set two_node (or auto) or add a qdevice',
    ]);
    const qdevice = { host: 'n1', algorithm: 'ffsplit' };
    expect(
      findings(
        corosyncChecks,
        inventory({ cluster: { name: 't', quorum: { two_node: true, auto_tie_breaker: true, qdevice } } }),
      ),
    ).toEqual([
      'error cluster.quorum.two_node: two_node needs exactly 2 cluster nodes, found 3',
      'error cluster.quorum.two_node: two_node cannot be combined with a qdevice',
      'error cluster.quorum.auto_tie_breaker: auto_tie_breaker is incompatible with a quorum device',
      'error cluster.quorum.qdevice.host: the qdevice (qnetd) host must not be a cluster node',
    ]);
  });

  it('warns on a single node, on wait_for_all off with two_node, and on last_man_standing alone', () => {
    expect(findings(corosyncChecks, inventory({ nodes: twoNodes.slice(0, 1) }))).toEqual([
      'warning nodes: a single cluster node gives no high availability',
    ]);
    expect(
      findings(
        corosyncChecks,
        inventory({ cluster: { name: 't', quorum: { wait_for_all: false } }, nodes: twoNodes }),
      ),
    ).toEqual([
      'warning cluster.quorum.wait_for_all: wait_for_all off with two_node: both nodes may start alone and fence each other',
    ]);
    expect(
      findings(corosyncChecks, inventory({ cluster: { name: 't', quorum: { last_man_standing: true } } })),
    ).toEqual(['warning cluster.quorum.last_man_standing: last_man_standing is safe only with wait_for_all']);
  });
});
