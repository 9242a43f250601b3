import { describe, expect, it } from 'vitest';
import { galeraChecks } from '../../../src/components/galera/checks.js';
import { findings, inventory } from '../support/inventory.js';

describe('galera checks', () => {
  it('accepts three members and ignores an inventory without galera', () => {
    expect(findings(galeraChecks, inventory())).toEqual([]);
    expect(
      findings(galeraChecks, inventory({ galera: { cluster_name: 'g', members: ['n1', 'n2', 'n3'] } })),
    ).toEqual([]);
  });

  it('rejects unknown members, a garbd on a member and mariabackup without a password', () => {
    const inv = inventory({
      galera: {
        cluster_name: 'g',
        members: ['n1', 'n2', 'db3'],
        sst: { method: 'mariabackup' },
        garbd: { node: 'n2' },
      },
    });
    expect(findings(galeraChecks, inv)).toEqual([
      'error galera.members.2: Galera member "db3" is not a node of this inventory (nodes: n1, n2, n3)',
      'error galera.sst.password: mariabackup SST needs a password (secret reference)',
      'error galera.garbd.node: garbd must run on a node that is not a Galera member (n2 is one)',
      'warning galera.members: an even number of Galera voters (4) cannot survive a 50/50 split',
    ]);
  });

  it('warns on two members without garbd, and on none at all', () => {
    expect(
      findings(galeraChecks, inventory({ galera: { cluster_name: 'g', members: ['n1', 'n2'] } })),
    ).toEqual([
      'warning galera: a 2-node Galera cluster without garbd loses quorum when either node fails: add galera.garbd',
    ]);
    expect(findings(galeraChecks, inventory({ galera: { cluster_name: 'g' } }))).toEqual([
      'error galera: galera is configured but has no members (list them or give nodes the galera role)',
    ]);
  });
});
