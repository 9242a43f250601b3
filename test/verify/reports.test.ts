import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseJunit } from 'junit2json';
import { describe, expect, it } from 'vitest';
import type { VerifyCheckResult } from '../../src/events/types.js';
import { buildReport, type DrillResult, junitXml, reportHtml, writeReports } from '../../src/verify/index.js';
import { exampleInventory } from './support.js';

const check = (
  id: string,
  status: VerifyCheckResult['status'],
  message: string,
  extra: Partial<VerifyCheckResult> = {},
): VerifyCheckResult => ({
  id,
  component: id.split('.')[0]!,
  title: `title of ${id}`,
  status,
  message,
  measurements: [],
  reads: 'reads',
  expects: 'expects',
  why: 'why',
  advisory: false,
  durationMs: 120,
  ...extra,
});

const CHECKS = [
  check('corosync.quorum', 'pass', '3 members quorate', {
    measurements: [
      { name: 'quorate', value: true, host: 'node1' },
      { name: 'total_votes', value: 3, host: 'node1' },
    ],
  }),
  check('pacemaker.config-drift', 'fail', 'the live CIB differs <here> & "there"\nsecond line', {
    details: '--- a/cib:configuration\n+++ b/cib:configuration\n@@ -1 +1 @@\n-<x a="1"/>\n+<x a="2"/>\n',
  }),
  check('corosync.token', 'warn', 'token 500 ms is below 1000 ms', {
    advisory: true,
    measurements: [{ name: 'token', value: 500, unit: 'ms', host: 'node1' }],
  }),
  check('pacemaker.vip', 'pass', 'vip on node2', { measurements: [{ name: 'vip.on', value: 'node2' }] }),
];

const report = (drills: DrillResult[] = []) =>
  buildReport({
    inv: exampleInventory(),
    inventory: 'inventories/sandbox.yaml',
    version: '0.1.0',
    startedAt: Date.parse('2026-12-02T18:00:00Z'),
    endedAt: Date.parse('2026-12-02T18:00:02.5Z'),
    checks: CHECKS,
    drills,
  });

describe('verify reports', () => {
  it('summary and exit code: a failed check exits 7, warnings alone exit 0', () => {
    const r = report();
    expect(r.summary.checks).toEqual({ total: 4, passed: 2, failed: 1, warned: 1 });
    expect(r.summary.exitCode).toBe(7);
    const ok = buildReport({
      ...{ inv: exampleInventory(), inventory: 'x', version: '0', startedAt: 0, endedAt: 1 },
      checks: [CHECKS[0]!, CHECKS[2]!],
    });
    expect(ok.summary.exitCode).toBe(0);
    expect(r.topology.vips).toEqual([{ id: 'vip', ip: '10.213.0.100', cidr: 24, holders: ['node2'] }]);
    expect(r.topology.nodes.map((n) => [n.name, n.roles.join('+')])).toEqual([
      ['node1', 'pacemaker+haproxy+galera'],
      ['node2', 'pacemaker+haproxy+galera'],
      ['node3', 'pacemaker+haproxy+galera'],
    ]);
  });

  it('junit.xml, read back by junit2json: one testcase per check, the failure with its message, measurements as properties', async () => {
    const xml = junitXml(report());
    const parsed = (await parseJunit(xml)) as Record<string, unknown>;
    const suites = parsed as {
      tests?: number;
      failures?: number;
      testsuite?: Array<Record<string, unknown>>;
    };
    expect(suites.tests).toBe(4);
    expect(suites.failures).toBe(1);
    const suite = suites.testsuite?.[0] as {
      name: string;
      tests: number;
      failures: number;
      testcase: Array<Record<string, unknown>>;
    };
    expect(suite.name).toBe('health checks');
    expect(suite.tests).toBe(4);
    expect(suite.failures).toBe(1);
    expect(suite.testcase).toHaveLength(4);
    const byName = (p: string) =>
      suite.testcase.find((t) => String(t.name).startsWith(p)) as {
        classname: string;
        time: number;
        failure?: Array<{ message: string; inner?: string }>;
        properties?: Array<{ name: string; value: string }>;
        'system-out'?: string[];
      };
    const drift = byName('pacemaker.config-drift');
    expect(drift.classname).toBe('hakit.verify.pacemaker');
    expect(drift.failure?.[0]?.message).toBe('the live CIB differs <here> & "there"');
    expect(drift.failure?.[0]?.inner).toContain('+<x a="2"/>');
    const quorum = byName('corosync.quorum');
    expect(quorum.failure).toBeUndefined();
    expect(quorum.time).toBeCloseTo(0.12);
    const props = (t: { properties?: Array<{ name: string; value: unknown }> }) =>
      (t.properties ?? []).map((p) => ({ name: p.name, value: String(p.value) }));
    expect(props(quorum)).toEqual([
      { name: 'status', value: 'pass' },
      { name: 'node1:quorate', value: 'true' },
      { name: 'node1:total_votes', value: '3' },
    ]);
    const token = byName('corosync.token');
    expect(token.failure).toBeUndefined();
    expect(props(token)).toContainEqual({ name: 'status', value: 'warn' });
    expect(props(token)).toContainEqual({ name: 'node1:token_ms', value: '500' });
    expect(token['system-out']?.[0]).toMatch(/^WARNING: token 500 ms/);
  });

  it('drills get their own testsuite with measurements and properties (the shape drills will fill)', async () => {
    const drill: DrillResult = {
      id: 'crash-vip-holder',
      title: 'Hard crash of the VIP holder',
      status: 'fail',
      message: 'outage 4.2 s > 4 s',
      startedAt: '2026-12-02T18:00:03.000Z',
      durationMs: 20_000,
      measurements: [{ name: 'outage', value: 4.2, unit: 's' }],
      properties: { fenced: 'node2' },
      timeline: [
        { atMs: 0, kind: 'probe-ok', label: 'connect ok' },
        { atMs: 1000, kind: 'fault', label: 'docker kill node2', host: 'node2' },
        { atMs: 1500, kind: 'probe-fail', label: 'connect refused' },
        { atMs: 5700, kind: 'probe-ok', label: 'connect ok' },
      ],
    };
    const parsed = (await parseJunit(junitXml(report([drill])))) as {
      tests: number;
      failures: number;
      testsuite: Array<{
        name: string;
        testcase: Array<{ properties?: Array<{ name: string; value: string }> }>;
      }>;
    };
    expect(parsed.tests).toBe(5);
    expect(parsed.failures).toBe(2);
    expect(parsed.testsuite.map((s) => s.name)).toEqual(['health checks', 'drills']);
    expect(
      parsed.testsuite[1]?.testcase[0]?.properties?.map((p) => ({ name: p.name, value: String(p.value) })),
    ).toEqual([
      { name: 'status', value: 'fail' },
      { name: 'outage_s', value: '4.2' },
      { name: 'fenced', value: 'node2' },
    ]);
    const html = reportHtml(report([drill]));
    expect(html).toMatch(/<svg [^>]*class="timeline" data-drill="crash-vip-holder"/);
    expect(html).not.toContain('id="no-drills"');
  });

  it('report.html is one self-contained page: the checks table, the topology, every message escaped', () => {
    const html = reportHtml(report());
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).not.toMatch(/<script|<link|src="http|href="http/);
    expect(html).toContain('<table id="checks">');
    expect(html.match(/<tr class="(pass|fail|warn)" data-check=/g)).toHaveLength(4);
    expect(html).toContain('the live CIB differs &lt;here&gt; &amp; &quot;there&quot;');
    expect(html).toMatch(/<g class="node" data-node="node3">/);
    expect(html).toMatch(/<g class="vip" data-vip="vip">/);
    expect(html).toContain('id="no-drills"');
  });

  it('writes the three files; report.json holds everything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hakit-report-'));
    const files = await writeReports(join(dir, 'sub'), report());
    expect(files.map((f) => f.slice(dir.length))).toEqual([
      '/sub/report.json',
      '/sub/junit.xml',
      '/sub/report.html',
    ]);
    const json = JSON.parse(readFileSync(files[0]!, 'utf8'));
    expect(json.format).toBe('hakit-verify/1');
    expect(json.checks).toHaveLength(4);
    expect(json.checks[1].details).toContain('+<x a="2"/>');
    expect(json.summary.exitCode).toBe(7);
  });
});
