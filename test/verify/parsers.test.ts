import { describe, expect, it } from 'vitest';
import { parseTimeReadout, parseTracking } from '../../src/components/chrony/tracking.js';
import {
  knetLatencies,
  linkUp,
  parseCmap,
  parseLinkStatus,
  parseQuorumStatus,
} from '../../src/components/corosync/status.js';
import { galeraProbe } from '../../src/components/galera/health.js';
import { parseStatCsv, serverUp } from '../../src/components/haproxy/stats.js';
import { parseCrmMon } from '../../src/components/pacemaker/crm-mon.js';
import {
  parseCrmVerify,
  parseFenceLists,
  parseIpAddresses,
} from '../../src/components/pacemaker/readouts.js';
import { fixture, sandboxInventory } from './support.js';

const out = (stdout: string) => ({ stdout, stderr: '', exitCode: 0, startedAt: 0, endedAt: 1 });

describe('parsers of the probes, on outputs captured on the sandbox cluster', () => {
  it('corosync-quorumtool -s', () => {
    const q = parseQuorumStatus(fixture('healthy/quorumtool-node1.txt'));
    expect(q.quorate).toBe(true);
    expect(q.nodeId).toBe(1);
    expect(q.expectedVotes).toBe(3);
    expect(q.totalVotes).toBe(3);
    expect(q.quorum).toBe(2);
    expect(q.flags).toContain('Quorate');
    expect(q.members.map((m) => [m.nodeid, m.votes, m.name, m.local])).toEqual([
      [1, 1, 'node1', true],
      [2, 1, 'node2', false],
      [3, 1, 'node3', false],
    ]);
    expect(q.qdeviceVotes).toBeNull();
    expect(() => parseQuorumStatus('Cannot initialize QUORUM service\n')).toThrow(
      /did not report quorum: Cannot initialize QUORUM service/,
    );
  });

  it('corosync-cfgtool -s', () => {
    const s = parseLinkStatus(fixture('healthy/cfgtool-node2.txt'));
    expect(s.localNodeId).toBe(2);
    expect(s.links).toHaveLength(1);
    expect(s.links[0]?.link).toBe(0);
    expect(s.links[0]?.peers.map((p) => [p.nodeid, linkUp(p.status)])).toEqual([
      [1, true],
      [2, true],
      [3, true],
    ]);
    expect(linkUp('disconnected')).toBe(false);
    expect(() => parseLinkStatus('Could not initialize corosync configuration API error 2\n')).toThrow(
      /no link status/,
    );
  });

  it('corosync-cmapctl: the runtime token and the knet latencies', () => {
    const cmap = parseCmap(fixture('healthy/cmapctl-node1.txt'));
    expect(cmap.get('runtime.config.totem.token')).toBe('1650'); // token 1000 + token_coefficient 650 for the third node
    const l = knetLatencies(cmap);
    expect(l.map((x) => x.nodeid)).toEqual(expect.arrayContaining([2, 3]));
    for (const x of l.filter((y) => y.averageUs !== 0)) {
      expect(x.connected).toBe(true);
      expect(x.averageUs).toBeGreaterThan(0);
    }
  });

  it('crm_mon --output-as=xml --inactive', () => {
    const m = parseCrmMon(fixture('healthy/crm_mon.xml'));
    expect(m.dc).toMatch(/^node\d$/);
    expect(m.withQuorum).toBe(true);
    expect(m.options['stonith-enabled']).toBe('true');
    expect(m.options['no-quorum-policy']).toBe('stop');
    expect(m.nodes.map((n) => [n.name, n.online, n.standby])).toEqual([
      ['node1', true, false],
      ['node2', true, false],
      ['node3', true, false],
    ]);
    const ids = m.resources.map((r) => `${r.parent ?? ''}/${r.id}`);
    expect(ids).toEqual(expect.arrayContaining(['/fence-sandbox', '/vip', 'haproxy-clone/haproxy']));
    expect(m.resources.filter((r) => r.parent === 'haproxy-clone')).toHaveLength(3);
    expect(m.resources.every((r) => r.active && r.managed && !r.failed)).toBe(true);
    expect(m.failures).toEqual([]);
    const failed = parseCrmMon(fixture('faults/crm_mon-failed-action.xml'));
    expect(failed.failures[0]?.opKey).toMatch(/^vip_(start|monitor)_/);
  });

  it('crm_verify, stonith_admin --list, ip -o addr', () => {
    const v = parseCrmVerify(fixture('healthy/crm_verify.txt'), 0);
    expect(v.errors).toEqual([]);
    expect(v.warnings).toEqual([]);
    const w = parseCrmVerify(
      'warning: unpack_config: Blind faith: not fencing unseen nodes\nWarnings found during check: config may not be valid\n',
      0,
    );
    expect(w.warnings).toHaveLength(1);
    const e = parseCrmVerify(
      'error: unpack_resources: Resource start-up disabled since no STONITH resources have been defined\nErrors found during check: config not valid\n',
      78,
    );
    expect(e.errors).toHaveLength(1);
    const lists = parseFenceLists(fixture('healthy/stonith_admin.txt'));
    expect(lists.map((l) => [l.node, l.devices, l.exitCode])).toEqual([
      ['node1', ['fence-sandbox'], 0],
      ['node2', ['fence-sandbox'], 0],
      ['node3', ['fence-sandbox'], 0],
    ]);
    const inv = sandboxInventory();
    const ips = parseIpAddresses(fixture('healthy/ip-addr-node1.txt'));
    expect(ips.map((a) => a.address)).toContain(inv.nodes[0]?.links[0]);
  });

  it('the time readout in a container: the host clock, chronyd not running', () => {
    const t = parseTimeReadout(fixture('healthy/time.txt'));
    expect(t.container).toBe(true);
    expect(t.tracking).toBeNull();
    expect(t.chronyError).toMatch(/^chronyc -c tracking: exit 1: 506 Cannot talk to daemon/);
    expect(t.clock).toBeGreaterThan(1.7e9);
    const tr = parseTracking(
      '7F000001,127.0.0.1,3,1764699990.5,-0.000012,0.1,0.2,-1.5,-0.001,0.05,0.0004,0.0002,64.5,Normal',
    );
    expect(tr).toMatchObject({ stratum: 3, systemOffset: -0.000012, leap: 'Normal' });
    expect(() => parseTracking('506 Cannot talk to daemon')).toThrow(/expected 14 fields/);
  });

  it('HAProxy show stat and the galera_state readout', () => {
    const rows = parseStatCsv(fixture('healthy/show-stat.csv'));
    const galera = rows.filter((r) => r.pxname === 'galera' && r.svname.startsWith('node'));
    expect(galera.map((r) => r.svname)).toEqual(['node1', 'node2', 'node3']);
    expect(galera.every((r) => serverUp(r.status))).toBe(true);
    expect(galera[0]?.checkStatus).toMatch(/^L7OK/);
    expect(() => parseStatCsv('')).toThrow(/no CSV header/);
    const g = galeraProbe.parse(out(fixture('healthy/galera-state-node1.txt')));
    expect(g.running).toBe(true);
    expect(g.status).toMatchObject({
      ok: true,
      clusterStatus: 'Primary',
      localStateComment: 'Synced',
      clusterSize: 3,
    });
  });
});
