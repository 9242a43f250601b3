import { describe, expect, it } from 'vitest';
import { parseFenceHistory, parseFenceJournal } from '../../src/drills/fencing.js';
import { longestWriteGap, lostWrites, maxHolders, outageOf } from '../../src/drills/measure.js';
import { addressesFromIpAddr } from '../../src/drills/probes.js';
import { clientOptions, parseSeqs, setupSql } from '../../src/drills/sql.js';
import { fixture } from '../verify/support.js';

const probes = (pattern: string, step = 100) =>
  [...pattern].map((c, i) => ({ at: 1000 + i * step, ok: c === '+' }));

describe('drill measurements', () => {
  it('outage: first failed probe to the first good one after the last failure; none when no probe failed', () => {
    expect(outageOf(probes('+++++')).outageMs).toBe(0);
    const o = outageOf(probes('++---++'));
    expect([o.outageMs, o.firstFailAt, o.recoveredAt, o.failed, o.total]).toEqual([300, 1200, 1500, 3, 7]);
    // flapping counts from the first failure to the end of the flapping
    expect(outageOf(probes('+-+--+++')).outageMs).toBe(400);
    // never recovered: to the last sample
    const n = outageOf(probes('++---'));
    expect([n.outageMs, n.recoveredAt]).toEqual([200, null]);
  });

  it('longest write gap between acknowledgements, window edges included; lost = acknowledged rows missing on a member', () => {
    const w = (seq: number, endedAt: number, acked = true) => ({
      seq,
      startedAt: endedAt - 10,
      endedAt,
      acked,
    });
    const writes = [w(1, 100), w(2, 200), w(3, 900, false), w(4, 2200), w(5, 2300)];
    expect(longestWriteGap(writes, 0, 2400)).toBe(2000);
    expect(longestWriteGap(writes, 0, 5000)).toBe(2700);
    const lost = lostWrites(
      writes,
      new Map([
        ['node1', new Set([1, 2, 3, 4, 5])],
        ['node2', new Set([1, 2, 5])],
      ]),
    );
    expect(lost).toEqual({ acked: 4, lost: [4], missingOn: { node1: 0, node2: 1 } });
  });

  it('VIP holders: the most in one sample, read from ip -o addr show', () => {
    const out =
      '2: eth0    inet 10.213.26.11/24 brd 10.213.26.255 scope global eth0\n2: eth0    inet 10.213.26.100/24 scope global secondary eth0\n';
    expect(
      addressesFromIpAddr(`${out}3: eth1    inet6 fd00::5/64 scope global \\       valid_lft forever\n`),
    ).toEqual(['10.213.26.11', '10.213.26.100', 'fd00::5']);
    expect(
      maxHolders([
        { at: 1, holders: ['node1'], unread: [] },
        { at: 2, holders: [], unread: ['node1'] },
      ]),
    ).toBe(1);
  });

  it('fencing history as Pacemaker 2.1.5 prints it (captured crm_mon fence_event), completion time parsed', () => {
    const text = fixture('healthy/crm_mon.xml');
    const events = parseFenceHistory(text);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      target: 'node2',
      action: 'reboot',
      status: 'success',
      delegate: 'node1',
    });
    expect(events[0]?.completedAt).toBe(Date.parse('2026-12-02T19:11:51Z'));
  });

  it('fencing from a survivor journal (captured on the sandbox): target, delegate, microsecond completion', () => {
    const text = [
      '1796294470.233680 node2 pacemaker-controld[2933]:  notice: Peer node3 was terminated (reboot) by node1 on behalf of pacemaker-controld.2933@node2: OK',
      '1796294504.965906 node2 pacemaker-controld[2933]:  notice: Peer node1 was terminated (reboot) by node3 on behalf of pacemaker-controld.2933@node2: OK',
      '1796294504.965999 node2 pacemaker-fenced[2929]:  notice: Operation reboot of node1 by node3: OK',
    ].join('\n');
    expect(parseFenceJournal(text).map((f) => [f.target, f.delegate, f.status, f.completedAt])).toEqual([
      ['node3', 'node1', 'success', 1796294470234],
      ['node1', 'node3', 'success', 1796294504966],
    ]);
  });

  it('the SQL password goes to the server on stdin and to the client in an options file, quoted', () => {
    expect(setupSql("a'b\\c")).toContain("IDENTIFIED BY 'a\\'b\\\\c'");
    expect(clientOptions({ host: '10.0.0.1', port: 3307, password: 'p"w' })).toBe(
      '[client]\nhost=10.0.0.1\nport=3307\nuser=hakit_drill\npassword="p\\"w"\n',
    );
    expect([...parseSeqs('1\n2\n\n30\n')]).toEqual([1, 2, 30]);
    expect(() => parseSeqs('1\nERROR 2013\n')).toThrow(/unexpected line/);
  });
});
