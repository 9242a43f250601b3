import { describe, expect, it } from 'vitest';
import { checkBootstrapNode } from '../../../src/components/galera/bootstrap-flag.js';
import type { MemberState } from '../../../src/components/galera/member.js';
import {
  formatGaleraStatus,
  type GaleraBackend,
  galeraBackends,
  galeraStatus,
  type HaproxyView,
  haproxyNodes,
} from '../../../src/components/galera/status.js';
import { parseShowStat, routedServers } from '../../../src/components/haproxy/routing.js';
import { InputError } from '../../../src/errors/index.js';
import { parseInventory } from '../../../src/inventory/load.js';
import { down, fixture, grastate, recovered, UUID_A, unreadable, up } from './support.js';

const BACKENDS: GaleraBackend[] = [
  {
    name: 'galera',
    balance: 'first',
    allbackups: false,
    servers: ['node1', 'node2', 'node3'].map((n) => ({ name: n, member: n })),
  },
];
const view = (viewer: string, csv: string): HaproxyView => ({
  viewer,
  stat: { socket: '/run/haproxy/admin.sock', csv, error: null },
});
const allUp = fixture('haproxy/all-up.csv');
const healthy: MemberState[] = [up('node1'), up('node2'), up('node3')];

describe('HAProxy show stat', () => {
  it('server rows by column name (FRONTEND/BACKEND left out), and where new connections go', () => {
    const rows = parseShowStat(allUp);
    expect(rows).toEqual([
      { backend: 'galera', server: 'node1', status: 'UP', backup: false, checkStatus: 'L7OK' },
      { backend: 'galera', server: 'node2', status: 'UP', backup: true, checkStatus: 'L7OK' },
      { backend: 'galera', server: 'node3', status: 'UP', backup: true, checkStatus: 'L7OK' },
    ]);
    const first = { balance: 'first', allbackups: false };
    expect([...routedServers(rows, first)]).toEqual(['node1']);
    const down1 = parseShowStat(fixture('haproxy/first-down.csv'));
    expect([...routedServers(down1, first)]).toEqual(['node2']); // the first backup up
    expect([...routedServers(down1, { balance: 'roundrobin', allbackups: true })]).toEqual([
      'node2',
      'node3',
    ]);
    expect([...routedServers(parseShowStat(fixture('haproxy/all-down.csv')), first)]).toEqual([]);
    expect(() => parseShowStat('pxname,svname\n')).toThrow(/no CSV header/);
    expect(() => parseShowStat('# pxname,svname,status\ngalera,node1,UP\n')).toThrow(/no bck column/);
  });
});

describe('hakit galera status (report and text)', () => {
  it('a healthy cluster: exit 0, every member Synced, HAProxy routes to node1 only (balance first)', () => {
    const s = galeraStatus(healthy, BACKENDS, [view('node1', allUp), view('node2', allUp)]);
    expect(s).toMatchObject({
      healthy: true,
      exitCode: 0,
      cluster: { uuid: UUID_A, size: 3, primary: ['node1', 'node2', 'node3'] },
      summary: 'healthy: all 3 members Synced in the Primary component',
      bootstrap: 'nothing to do (a Primary component runs, no member to start)',
    });
    expect(s.members[0]).toEqual({
      node: 'node1',
      readable: true,
      error: null,
      running: true,
      state: 'Synced',
      clusterStatus: 'Primary',
      clusterSize: 3,
      clusterUuid: UUID_A,
      seqno: 1240,
      seqnoFrom: 'live',
      recovered: null,
      safeToBootstrap: false,
      haproxy: [
        {
          viewer: 'node1',
          backend: 'galera',
          server: 'node1',
          status: 'UP',
          backup: false,
          routed: true,
          error: null,
        },
        {
          viewer: 'node2',
          backend: 'galera',
          server: 'node1',
          status: 'UP',
          backup: false,
          routed: true,
          error: null,
        },
      ],
    });
    expect(s.members[1]?.haproxy.map((h) => h.routed)).toEqual([false, false]);
    const text = formatGaleraStatus(s);
    expect(text).toContain('Galera: healthy: all 3 members Synced in the Primary component\n');
    expect(text).toContain(`cluster uuid ${UUID_A}, size 3, Primary: node1 node2 node3\n`);
    expect(text).toMatch(/^NODE +SERVER +STATE +STATUS +SIZE +SEQNO +SAFE_TO_BOOTSTRAP +UUID +HAPROXY$/m);
    expect(text).toMatch(
      new RegExp(
        `^node1 +running +Synced +Primary +3 +1240 \\(live\\) +0 +${UUID_A} +routed \\(galera/node1 UP\\) per node1,node2$`,
        'm',
      ),
    );
    expect(text).toMatch(/^node2 .* not routed \(galera\/node2 UP, backup\) per node1,node2$/m);
  });

  it('after a full outage: exit 1, nothing runs, grastate seqno and safe_to_bootstrap, the recovered position, what bootstrap would do', () => {
    const members = [
      down('node1', grastate(UUID_A, 1200, 0)),
      down('node2', grastate(UUID_A, 1210, 0)),
      down('node3', grastate(UUID_A, -1, 1), { recovered: recovered(UUID_A, 1225) }),
    ];
    const s = galeraStatus(members, BACKENDS, [view('node1', fixture('haproxy/all-down.csv'))]);
    expect(s).toMatchObject({
      healthy: false,
      exitCode: 1,
      cluster: { uuid: null, size: null, primary: [] },
    });
    expect(s.summary).toBe('no member runs (a full outage: hakit bootstrap recovers it)');
    expect(s.bootstrap).toBe(
      'would bootstrap from node3: highest seqno 1225 (node3, recovered); node1 1200, node2 1210',
    );
    expect(
      s.members.map((m) => [m.running, m.state, m.seqno, m.seqnoFrom, m.safeToBootstrap, m.clusterUuid]),
    ).toEqual([
      [false, null, 1200, 'grastate', false, UUID_A],
      [false, null, 1210, 'grastate', false, UUID_A],
      [false, null, -1, 'grastate', true, UUID_A],
    ]);
    expect(s.members[2]?.recovered).toEqual({ uuid: UUID_A, seqno: 1225 });
    expect(s.members[2]?.haproxy[0]).toMatchObject({ status: 'DOWN 1/2', routed: false });
    const text = formatGaleraStatus(s);
    expect(text).toMatch(/^node3 +stopped +- +- +- +-1 \(grastate\), recovered 1225 +1 /m);
    expect(text).toContain('hakit bootstrap: would bootstrap from node3');
    const crashedAll = ['node1', 'node2', 'node3'].map((n) => down(n, grastate(UUID_A, -1, 0)));
    expect(galeraStatus(crashedAll, BACKENDS, []).bootstrap).toBe(
      'would recover the positions of node1, node2, node3 (mariadbd --wsrep-recover), then choose the most advanced member',
    );
  });

  it('a member down, one unreadable, a HAProxy view missing: exit 3, each said', () => {
    const members = [
      up('node1', { clusterSize: 1 }),
      down('node2', grastate(UUID_A, 1200, 0)),
      unreadable('node3'),
    ];
    const s = galeraStatus(members, BACKENDS, [
      view('node1', fixture('haproxy/first-down.csv')),
      { viewer: 'node2', unreadable: 'ssh: connect ECONNREFUSED' },
    ]);
    expect(s.exitCode).toBe(3);
    expect(s.summary).toBe('unreadable: node3; not running: node2');
    expect(s.members[2]).toMatchObject({
      readable: false,
      error: 'ssh: connect ETIMEDOUT 10.0.0.13:22',
      seqno: null,
    });
    expect(s.members[0]?.haproxy[1]).toMatchObject({
      viewer: 'node2',
      error: 'ssh: connect ECONNREFUSED',
      routed: false,
    });
    expect(formatGaleraStatus(s)).toMatch(/^node3 +unreadable: ssh: connect ETIMEDOUT/m);
    expect(s.bootstrap).toBe('node2 would join the running cluster');
    // Not Synced (a donor), or a component of another size: exit 1.
    const donor = galeraStatus(
      [up('node1'), up('node2', { localStateComment: 'Donor/Desynced' }), up('node3')],
      BACKENDS,
      [],
    );
    expect(donor).toMatchObject({
      exitCode: 1,
      summary: 'not Synced in the Primary component: node2 (Primary/Donor/Desynced)',
    });
  });
});

describe('the galera part of the inventory: backends, HAProxy nodes, the flag', () => {
  const inv = parseInventory(
    'inline.yaml',
    `cluster: { name: t }
nodes:
  - { name: db1, links: [10.9.0.1], roles: [haproxy, galera] }
  - { name: db2, links: [10.9.0.2], roles: [haproxy, galera] }
  - { name: web, links: [10.9.0.3], roles: [haproxy] }
haproxy:
  frontends: [{ name: mysql, bind: ['10.9.0.100:3307'], mode: tcp, default_backend: galera }]
  backends:
    - name: galera
      mode: tcp
      balance: first
      options: [allbackups]
      check: { type: galera }
      servers:
        - { name: a, node: db1, port: 3306 }
        - { name: b, address: 10.9.0.2, port: 3306, backup: true }
    - name: web
      mode: tcp
      servers: [{ name: w, node: web, port: 80 }]
galera: { cluster_name: t }
`,
  ).inventory;

  it('backends with Galera members among their servers (by node or by address), HAProxy nodes', () => {
    expect(galeraBackends(inv)).toEqual([
      {
        name: 'galera',
        balance: 'first',
        allbackups: true,
        servers: [
          { name: 'a', member: 'db1' },
          { name: 'b', member: 'db2' },
        ],
      },
    ]);
    expect(haproxyNodes(inv)).toEqual(['db1', 'db2', 'web']);
  });

  it('--galera-bootstrap-node must name a Galera member (exit 2, before any host)', () => {
    expect(checkBootstrapNode(inv, 'db2')).toBe('db2');
    const notMember = (() => {
      try {
        checkBootstrapNode(inv, 'web');
      } catch (e) {
        return e;
      }
    })();
    expect(notMember).toBeInstanceOf(InputError);
    expect((notMember as InputError).exitCode).toBe(2);
    expect((notMember as Error).message).toBe(
      '--galera-bootstrap-node web: web is a node of the inventory but not a Galera member; name one of the Galera members: db1, db2',
    );
    expect(() => checkBootstrapNode(inv, 'db9')).toThrow(
      '--galera-bootstrap-node db9: no node db9 in the inventory; name one of the Galera members: db1, db2',
    );
    const { galera: _g, ...noGalera } = inv;
    expect(() => checkBootstrapNode({ ...noGalera } as typeof inv, 'db1')).toThrow(/has no galera section/);
  });
});
