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
      'error galera.garbd: garbd with 3 Galera members makes 4 voters, an even count: a split into 2 | 1 members + garbd leaves no Primary component, where 3 members alone keep one. garbd is for an even number of members (2): remove galera.garbd',
      'error galera.garbd.node: n2 runs garbd but does not have the garbd role: add garbd to its roles',
    ]);
  });

  const withRoles = (roles: Record<string, string[]>, galera?: Record<string, unknown>) =>
    inventory({
      nodes: ['n1', 'n2', 'n3'].map((n, i) => ({
        name: n,
        links: [`10.0.0.${i + 1}`],
        roles: roles[n] ?? ['pacemaker'],
      })),
      galera,
    });

  it('accepts garbd with two members on the node with the garbd role', () => {
    const inv = withRoles(
      { n1: ['pacemaker', 'galera'], n2: ['pacemaker', 'galera'], n3: ['pacemaker', 'garbd'] },
      { cluster_name: 'g', garbd: { node: 'n3' } },
    );
    expect(findings(galeraChecks, inv)).toEqual([]);
  });

  it('rejects garbd next to an odd number of members, and a garbd role the galera section does not name', () => {
    expect(
      findings(
        galeraChecks,
        withRoles(
          { n1: ['galera'], n2: ['garbd'], n3: ['garbd'] },
          { cluster_name: 'g', garbd: { node: 'n2' } },
        ),
      ),
    ).toEqual([
      'error galera.garbd: garbd with 1 Galera member makes 2 voters, an even count: losing either the member or garbd leaves no Primary component. garbd is for an even number of members (2): remove galera.garbd',
      'error nodes.2.roles: n3 has the garbd role but galera.garbd.node is n2: one node runs garbd',
    ]);
    expect(findings(galeraChecks, withRoles({ n3: ['garbd'] }))).toEqual([
      'error nodes.2.roles: n3 has the garbd role but there is no galera.garbd section: add galera.garbd: { node: n3 } or remove the role',
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
