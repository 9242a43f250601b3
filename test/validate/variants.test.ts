import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseInventory } from '../../src/inventory/load.js';
import { renderNodeFiles } from '../../src/state/render-files.js';
import { validateFiles } from '../../src/validate/run.js';

/**
 * Features the example inventories do not use (qdevice, auto_tie_breaker, last_man_standing, a 3-node DRBD
 * mesh, garbd, the RHEL layout), rendered from the sandbox inventory and run through the real validators.
 */
const sandbox = readFileSync('inventories/sandbox.yaml', 'utf8');

function variant(edit: (s: string) => string) {
  return parseInventory('variant.yaml', edit(sandbox));
}

async function allPass(loaded: ReturnType<typeof variant>) {
  const files = renderNodeFiles(loaded, { secrets: 'mask' });
  const results = await validateFiles(files, loaded.inventory);
  const bad = results.filter((r) => r.status !== 'passed' && r.status !== 'none');
  expect(bad, JSON.stringify(bad, null, 2)).toEqual([]);
  return files;
}

describe('inventory variants pass their real validators', () => {
  it('quorum device (qnetd)', async () => {
    const files = await allPass(
      variant((s) =>
        s.replace(
          '    token: 1000 ',
          '    token: 1000\n  quorum:\n    qdevice: { host: 10.213.0.50, algorithm: ffsplit }\n  #',
        ),
      ),
    );
    const c = files.find((f) => f.kind === 'corosync')!.content;
    expect(c).toContain('        model: net\n');
    expect(c).toContain(
      '            host: 10.213.0.50\n            port: 5403\n            algorithm: ffsplit\n            tie_breaker: lowest\n',
    );
  });

  it('auto_tie_breaker + last_man_standing with a window', async () => {
    const files = await allPass(
      variant((s) =>
        s.replace(
          '    token: 1000 ',
          '    token: 1000\n  quorum:\n    auto_tie_breaker: true\n    last_man_standing: true\n    last_man_standing_window: 20000\n  #',
        ),
      ),
    );
    const c = files.find((f) => f.kind === 'corosync')!.content;
    expect(c).toContain(
      '    auto_tie_breaker: 1\n    last_man_standing: 1\n    last_man_standing_window: 20000\n',
    );
  });

  it('a 3-node DRBD resource uses a connection mesh', async () => {
    const files = await allPass(
      variant(
        (s) =>
          `${s.replaceAll('roles: [pacemaker, haproxy, galera]', 'roles: [pacemaker, haproxy, galera, drbd]')}\ndrbd:\n  resources:\n    - name: r9\n      device: /dev/drbd9\n      disk: /dev/vdb\n      members: [node1, node2, node3]\n      fencing: resource-only\n`,
      ),
    );
    const res = files.filter((f) => f.kind === 'drbd');
    expect(res.map((f) => f.node)).toEqual(['node1', 'node2', 'node3']);
    expect(res[0]!.content).toContain('    connection-mesh {\n        hosts node1 node2 node3;\n    }\n');
    expect(res[0]!.content).toContain('fencing resource-only;');
    expect(res[0]!.content).toContain('crm-fence-peer.9.sh');
  });

  it('two Galera nodes with a garbd arbitrator; the RHEL layout', async () => {
    const files = await allPass(
      variant((s) =>
        s
          .replace(
            /(- name: node3\n {4}links: \[10\.213\.0\.13\]\n {4}roles: )\[pacemaker, haproxy, galera\]/,
            '$1[pacemaker, haproxy, garbd]',
          )
          .replace(/^ {2}firewall: /m, '  package_family: dnf\n  firewall: ')
          .replace(
            '  cluster_name: hakit_sandbox\n',
            '  cluster_name: hakit_sandbox\n  members: [node1, node2]\n  garbd: { node: node3 }\n',
          ),
      ),
    );
    const garbd = files.find((f) => f.kind === 'garbd')!;
    expect(garbd).toMatchObject({ node: 'node3', path: '/etc/sysconfig/garb' });
    expect(garbd.content).toContain(
      'GALERA_NODES="10.213.0.11:4567,10.213.0.12:4567"\nGALERA_GROUP="hakit_sandbox"\n',
    );
    const galera = files.filter((f) => f.kind === 'galera');
    expect(galera.map((f) => `${f.node}:${f.path}`)).toEqual([
      'node1:/etc/my.cnf.d/galera.cnf',
      'node2:/etc/my.cnf.d/galera.cnf',
    ]);
    expect(galera[0]!.content).toContain('wsrep_provider=/usr/lib64/galera-4/libgalera_smm.so\n');
    expect(files.find((f) => f.kind === 'chrony')!.path).toBe('/etc/chrony.conf');
  });
});
