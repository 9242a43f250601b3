import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/index.js';
import { loadInventory } from '../../src/inventory/index.js';

const dir = join(import.meta.dirname, 'fixtures', 'malformed');

/**
 * Each malformed inventory must be rejected with an error at this line and column, naming this field path,
 * with a message containing this fragment. Line/column are 1-based, as editors show them.
 */
const cases: Array<[file: string, line: number, column: number, path: string, fragment: string]> = [
  ['01-unknown-top-level-key.yaml', 3, 1, 'node', 'did you mean "nodes"'],
  ['02-unknown-nested-key.yaml', 4, 5, 'cluster.totem.tokn', 'did you mean "token"'],
  ['03-wrong-type.yaml', 4, 12, 'cluster.totem.token', 'expected number, got string "fast"'],
  ['04-missing-required.yaml', 1, 1, 'cluster.name', 'is required'],
  ['05-bad-node-name.yaml', 6, 11, 'nodes[1].name', 'lowercase host name'],
  ['06-bad-link-address.yaml', 9, 13, 'nodes[2].links[0]', 'IPv4 address'],
  ['07-too-many-links.yaml', 5, 12, 'nodes[0].links', 'at most 8 links'],
  ['08-empty-nodes.yaml', 3, 8, 'nodes', 'at least one node'],
  ['09-unknown-role.yaml', 8, 24, 'nodes[1].roles[1]', 'expected one of'],
  ['10-duplicate-node-name.yaml', 8, 11, 'nodes[2].name', 'duplicate node name "n1"'],
  ['11-duplicate-address.yaml', 9, 13, 'nodes[2].links[0]', 'duplicate address 10.9.0.2'],
  ['12-duplicate-node-id.yaml', 10, 9, 'nodes[2].id', 'duplicate corosync node id 7'],
  ['13-link-missing-on-node.yaml', 7, 12, 'nodes[1].links', 'link 1 is missing on n2'],
  ['14-vip-outside-subnets.yaml', 16, 11, 'pacemaker.resources[0].ip', 'outside every node subnet'],
  [
    '15-unknown-resource-reference.yaml',
    23,
    15,
    'pacemaker.constraints.colocation[0].with',
    'did you mean "web"',
  ],
  [
    '16-unknown-node-in-location.yaml',
    20,
    15,
    'pacemaker.constraints.location[0].node',
    '"n4" is not a node',
  ],
  ['17-two-nodes-without-two-node.yaml', 4, 15, 'cluster.quorum.two_node', '2-node cluster without two_node'],
  ['18-two-node-with-three-nodes.yaml', 4, 15, 'cluster.quorum.two_node', 'exactly 2 cluster nodes'],
  [
    '19-qdevice-with-auto-tie-breaker.yaml',
    4,
    23,
    'cluster.quorum.auto_tie_breaker',
    'incompatible with a quorum device',
  ],
  ['20-galera-member-not-a-node.yaml', 15, 21, 'galera.members[2]', '"db3" is not a node'],
  ['21-drbd-member-not-a-node.yaml', 18, 21, 'drbd.resources[0].members[1]', '"n9" is not a node'],
  ['22-plaintext-secret.yaml', 18, 15, 'galera.sst.password', 'must be a secret reference'],
  ['23-stonith-without-devices.yaml', 10, 1, 'pacemaker.fencing.devices', 'no fencing device is defined'],
  ['24-unknown-group-member.yaml', 19, 24, 'pacemaker.groups[0].resources[1]', 'unknown resource "app"'],
  ['25-unknown-backend.yaml', 17, 24, 'haproxy.frontends[0].default_backend', 'did you mean "app"'],
  ['26-duplicate-vrid.yaml', 22, 13, 'keepalived.instances[1].vrid', 'duplicate VRID 51'],
  ['27-yaml-syntax-error.yaml', 6, 3, '', 'Flow sequence'],
  ['28-unknown-resource-type.yaml', 14, 13, 'pacemaker.resources[0].type', 'did you mean "ipaddr2"'],
  ['29-ssh-port-out-of-range.yaml', 9, 13, 'nodes[1].ssh.port', 'must be at most 65535'],
  [
    '30-unknown-fencing-device-in-level.yaml',
    19,
    19,
    'pacemaker.fencing.levels[0].devices[0]',
    'did you mean "fence-all"',
  ],
  ['31-mariabackup-without-password.yaml', 16, 3, 'galera.sst.password', 'needs a password'],
  [
    '32-unknown-cluster-property.yaml',
    12,
    5,
    'pacemaker.properties.stonith-enable',
    'did you mean "stonith-enabled"',
  ],
  [
    '33-unknown-drbd-resource.yaml',
    16,
    22,
    'pacemaker.resources[0].drbd_resource',
    'unknown DRBD resource "r1"',
  ],
  ['34-bad-enum-value.yaml', 4, 13, 'cluster.crypto.cipher', 'expected one of "aes256"'],
  ['35-fence-agent-name.yaml', 14, 16, 'pacemaker.fencing.devices[0].agent', 'fence agent name'],
  ['36-not-a-mapping.yaml', 1, 1, '', 'must be a mapping'],
];

describe('malformed inventories', () => {
  it('covers every fixture file', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(files.sort()).toEqual(cases.map((c) => c[0]).sort());
    expect(files.length).toBeGreaterThanOrEqual(25);
  });

  it.each(cases)('%s → %i:%i %s', async (file, line, column, path, fragment) => {
    const err = await loadInventory(join(dir, file)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InputError);
    const input = err as InputError;
    expect(input.exitCode).toBe(2);
    const hit = input.diagnostics.find((d) => d.path === path && d.message.includes(fragment));
    expect(
      hit,
      `diagnostics were:\n${input.diagnostics.map((d) => `${d.line}:${d.column} ${d.path}: ${d.message}`).join('\n')}`,
    ).toBeDefined();
    expect(hit!.file).toBe(join(dir, file));
    expect([hit!.line, hit!.column]).toEqual([line, column]);
    expect(hit!.severity).toBe('error');
  });
});
