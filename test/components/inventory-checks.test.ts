import { describe, expect, it } from 'vitest';
import { COMPONENT_CHECKS, semanticChecks } from '../../src/components/inventory-checks.js';
import { fenced, inventory, lines } from './support/inventory.js';

describe('semantic checks of the whole inventory', () => {
  it('finds nothing in a sound inventory, and every component has its checks in the list', () => {
    expect(lines(semanticChecks(inventory()))).toEqual([]);
    expect(COMPONENT_CHECKS.map((c) => c.name)).toEqual([
      'corosyncChecks',
      'pacemakerChecks',
      'hostPrepChecks',
      'galeraChecks',
      'drbdChecks',
      'haproxyChecks',
      'keepalivedChecks',
    ]);
  });

  it('checks the node list and groups first, then each component in order', () => {
    const inv = inventory({
      nodes: [
        { name: 'n1', links: ['10.0.0.1', '10.1.0.1'] },
        { name: 'n1', links: ['10.0.0.1'], id: 1 },
        { name: 'n3', links: ['10.0.0.3', '10.1.0.3'] },
      ],
      groups: { n3: ['n1'], web: ['n4'] },
      pacemaker: fenced({ properties: { 'no-quorum-policy': 'ignore' } }),
      host_prep: { selinux: 'disabled' },
    });
    expect(lines(semanticChecks(inv))).toEqual([
      'error nodes.1.name: duplicate node name "n1" (also nodes[0])',
      'error nodes.1.id: duplicate corosync node id 1 (also nodes[0])',
      'error nodes.1.links.0: duplicate address 10.0.0.1 (also nodes[0].links[0])',
      'error nodes.1.links: has 1 link(s) but other nodes have 2: link 1 is missing on n1',
      'error groups.n3: group "n3" has the same name as a node',
      'error groups.web.0: node "n4" is not a node of this inventory (nodes: n1, n1, n3)',
      'warning pacemaker.properties.no-quorum-policy: no-quorum-policy ignore lets a partition without quorum run resources (split brain)',
      'error pacemaker.fencing.devices.0.fences.1: node "n2" is not a node of this inventory (nodes: n1, n1, n3)',
      'warning host_prep.selinux: SELinux will be set to disabled on hosts that have it',
    ]);
  });
});
