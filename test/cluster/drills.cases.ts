import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseJunit } from 'junit2json';
import { expect, it } from 'vitest';
import { DRILLS } from '../../src/drills/catalog.js';
import { sandboxStatus } from '../../src/sandbox/index.js';
import type { DrillResult } from '../../src/verify/index.js';
import { ensureBuilt, hakit, hakitUntil } from '../support/cli.js';
import type { SharedCluster } from './shared-cluster.js';

interface Report {
  checks: { id: string; status: string }[];
  drills: DrillResult[];
  summary: { exitCode: number; drills: { total: number; passed: number; failed: number } };
}

/**
 * The failover drills of `hakit verify --drills` (issue #11) on the shared cluster, one run per drill, each leaving
 * the cluster healthy (the drill itself waits for that, bounded). Measured fields are asserted for shape and
 * sanity, not for speed: a missed threshold (outage, write gap) fails the drill in its report and is tolerated
 * here; anything else (not recovered, not healthy again, a lost write, two VIP holders, no fencing) fails the test.
 * Run last before the secret scan.
 */
export function drillsCases(c: SharedCluster): void {
  const measured = new Map<string, DrillResult>();
  const value = (d: DrillResult, name: string, host?: string) =>
    d.measurements.find((m) => m.name === name && m.host === host)?.value;

  /** Waits (bounded) until `hakit verify` passes: the case before may have just restarted something. */
  async function healthy(o: { cleanup?: boolean } = {}): Promise<void> {
    let last = '';
    for (let i = 0; i < 60; i++) {
      const v = await hakit(['verify', '-i', c.baseInventory(), '--output', 'plain'], { timeoutMs: 300_000 });
      last = v.stdout;
      if (v.code === 0) return;
      const failed = [...v.stdout.matchAll(/^FAIL {2}(\S+)/gm)].map((m) => m[1]);
      if (o.cleanup && failed.length === 1 && failed[0] === 'pacemaker.failed-actions')
        await c.on('node1', 'crm_resource --cleanup');
      await new Promise((res) => setTimeout(res, 5000));
    }
    throw new Error(`the cluster did not get healthy:\n${last.slice(-3000)}`);
  }

  async function drill(id: string): Promise<DrillResult> {
    ensureBuilt();
    await healthy();
    const dir = mkdtempSync(join(tmpdir(), `hakit-drill-${id}-`));
    const r = await hakit(
      ['verify', '-i', c.baseInventory(), '--drills', id, '--report-dir', dir, '--output', 'json'],
      {
        timeoutMs: 1_200_000,
      },
    );
    c.printed.push(r.stdout, r.stderr);
    const why = `exit ${r.code}\n${r.stderr.slice(-3000)}\n${r.stdout
      .split('\n')
      .filter((l) => l.includes('"verify.drill'))
      .join('\n')
      .slice(-6000)}`;
    expect([0, 7], why).toContain(r.code);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;
    expect(
      report.checks.filter((x) => x.status === 'fail'),
      why,
    ).toEqual([]);
    expect(report.drills.map((d) => d.id)).toEqual([id]);
    const d = report.drills[0] as DrillResult;
    // Only a missed speed threshold may fail it.
    if (d.status === 'fail')
      for (const line of d.message.split('\n').slice(0, -1))
        expect(line, why).toMatch(/^(client-observed outage|longest write gap) [\d.]+ s \(max [\d.]+ s\)$/);
    expect(report.summary.exitCode).toBe(d.status === 'pass' ? 0 : 7);
    // The JUnit file, read by an independent reader: one testcase per check and per drill, its measurements as
    // properties.
    const junit = (await parseJunit(readFileSync(join(dir, 'junit.xml'), 'utf8'))) as {
      tests: number;
      failures: number;
      testsuite: {
        name: string;
        tests: number;
        testcase: { name: string; properties?: { name: string; value: string }[] }[];
      }[];
    };
    expect(junit.tests).toBe(report.checks.length + 1);
    expect(junit.failures).toBe(d.status === 'fail' ? 1 : 0);
    const suite = junit.testsuite.find((s) => s.name === 'drills');
    expect(suite?.tests).toBe(1);
    const props = new Map((suite?.testcase[0]?.properties ?? []).map((p) => [p.name, String(p.value)]));
    expect(props.get('outage_s')).toBe(String(value(d, 'outage')));
    expect(props.get('max_vip_holders')).toBe('1');
    expect(props.get('target')).toBe(d.properties.target);
    // Shape and sanity of what every drill measures.
    expect(value(d, 'max_vip_holders'), 'never two VIP holders').toBe(1);
    expect(value(d, 'vip_samples')).toBeGreaterThan(3);
    expect(value(d, 'probes')).toBeGreaterThan(10);
    expect(typeof value(d, 'outage')).toBe('number');
    expect(value(d, 'time_to_healthy')).toBeGreaterThan(0);
    expect(value(d, 'writes_acked'), 'rows acknowledged through the VIP').toBeGreaterThan(5);
    expect(value(d, 'writes_lost'), 'acknowledged rows missing on a member').toBe(0);
    for (const n of c.sandbox().nodes)
      expect(value(d, 'writes_missing', n.name), `${n.name}: rows read back`).toBe(0);
    expect(value(d, 'write_gap')).toBeGreaterThan(0);
    const spec = DRILLS.find((s) => s.id === id);
    if (spec?.mustFence) {
      expect(value(d, 'fenced_node'), `${id}: the target is fenced`).toBe(d.properties.target);
      expect(value(d, 'fencing_time')).toBeGreaterThan(0);
    }
    expect(d.timeline.some((e) => e.kind === 'fault')).toBe(true);
    expect(d.timeline.some((e) => e.kind === 'heal')).toBe(true);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain(`<svg xmlns="http://www.w3.org/2000/svg" class="timeline" data-drill="${id}"`);
    measured.set(id, d);
    return d;
  }

  it('drill standby: the VIP leaves the node put in standby, and the node is back after', async () => {
    const d = await drill('standby');
    expect(value(d, 'fenced_node')).toBe('none');
    expect(
      await c.on(
        d.properties.target as string,
        'crm_attribute --node "$(uname -n)" --name standby --query 2>&1 || true',
      ),
    ).not.toMatch(/value=on/);
  }, 1_500_000);

  it('drill crash-vip-holder: the holder is fenced, the client sees an outage (measured), then it is back', async () => {
    const d = await drill('crash-vip-holder');
    expect(value(d, 'outage'), 'a crash of the VIP holder is an outage the client sees').toBeGreaterThan(0);
    expect(value(d, 'probes_failed')).toBeGreaterThan(0);
  }, 1_500_000);

  it('drill crash-galera-writer: the write node is fenced; no acknowledged write lost', async () => {
    const d = await drill('crash-galera-writer');
    expect(d.properties.target).toBe('node1');
  }, 1_500_000);

  it('drill kill-haproxy: Pacemaker restarts haproxy, no failed action left', async () => {
    await drill('kill-haproxy');
  }, 1_500_000);

  it('drill partition: the majority fences the cut-off holder, never two VIP holders', async () => {
    await drill('partition');
  }, 1_500_000);

  it('drill kill-corosync: the node is fenced', async () => {
    await drill('kill-corosync');
  }, 1_500_000);

  it('drill move: the VIP moves and no cli-prefer is left after the clear', async () => {
    const d = await drill('move');
    expect(await c.on('node1', 'cibadmin -Q -o constraints')).not.toMatch(/cli-(prefer|ban)/);
    expect(value(d, 'fenced_node')).toBe('none');
  }, 1_500_000);

  it('drill kill-mariadbd: writes go on through the VIP, no acknowledged write lost', async () => {
    await drill('kill-mariadbd');
  }, 1_500_000);

  it('drill fence: the node is fenced on request and comes back', async () => {
    await drill('fence');
  }, 1_500_000);

  it('Ctrl-C during a partition drill heals the partition before hakit exits (exit 130)', async () => {
    ensureBuilt();
    const sb = c.sandbox();
    const injected = (line: string) =>
      line.includes('"type":"verify.drill.step"') && line.includes('"step":"inject"');
    const r = await hakitUntil(
      ['verify', '-i', c.baseInventory(), '--drills', 'partition', '--output', 'json'],
      injected,
      'SIGINT',
      { timeoutMs: 900_000 },
    );
    c.printed.push(r.stdout, r.stderr);
    expect(r.signalled, r.stdout.slice(-3000)).toBe(true);
    expect(r.code, r.stderr + r.stdout.slice(-3000)).toBe(130);
    expect(r.stdout).toMatch(/"step":"interrupted","message":"healing: /);
    const status = await sandboxStatus(sb.name);
    for (const n of status.nodes) expect(n.connected, `${n.name} is on the network again`).toBe(true);
    // The cluster converges again. An interrupted drill does not wait for that: what its fault caused around the
    // heal (the VIP's monitor failing on the node cut off and plugged back, seconds after hakit exited) stays in
    // the history until cleaned up — only that failure is cleaned up here.
    await healthy({ cleanup: true });
  }, 1_500_000);

  it('drill figures (for the report): the outage of a VIP-holder crash', () => {
    const lines = [...measured.values()].map(
      (d) =>
        `${d.id}: ${d.status} outage=${value(d, 'outage')} s, healthy after ${value(d, 'time_to_healthy')} s, fenced ${value(d, 'fenced_node')} in ${value(d, 'fencing_time') ?? '-'} s, write gap ${value(d, 'write_gap')} s, lost ${value(d, 'writes_lost')}/${value(d, 'writes_acked')}`,
    );
    console.log(`DRILL FIGURES\n${lines.join('\n')}`);
    expect(measured.size).toBeGreaterThan(0);
  });
}
