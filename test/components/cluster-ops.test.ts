import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corosyncResetDefaultOp, corosyncWaitQuorumOp } from '../../src/components/corosync/ops.js';
import { pacemakerCibOp } from '../../src/components/pacemaker/cib-op.js';
import { factKey } from '../../src/facts/request.js';
import type { Step } from '../../src/ops/types.js';
import { desiredCib } from '../../src/pacemaker/cib-merge.js';
import { parseXml, serializeXml } from '../../src/pacemaker/xml.js';

const LIVE = readFileSync('test/pacemaker/fixtures/live-cib.xml', 'utf8');
const DESIRED = readFileSync('test/render/golden/sandbox/node1/var/lib/hakit/cib.xml', 'utf8');
const spec = (content: string, sensitive = false) => ({
  dest: '/var/lib/hakit/cib.xml',
  content,
  mode: '0600',
  sensitive,
});
const cibFacts = (xml: string | null) =>
  new Map([[factKey({ fact: 'cib' }), { running: xml !== null, xml }]]);
const commands = (steps: Step[]) =>
  steps.map((s) => (s.kind === 'exec' ? s.command : `put ${s.path}`)).join('\n');

describe('pacemaker_cib (planner, fixtures)', () => {
  const args = (content = DESIRED, sensitive = false) =>
    pacemakerCibOp.args.parse({ file: 'cib', spec: spec(content, sensitive) });

  it('a live CIB that already matches plans nothing (changed=0)', () => {
    const merged = serializeXml(desiredCib(parseXml(LIVE), parseXml(DESIRED)));
    expect(pacemakerCibOp.plan(args(), cibFacts(merged)).steps).toEqual([]);
  });

  it('a different live CIB: crm_verify on the merged CIB (validate), then crm_diff | cibadmin --patch, then a bounded settle', () => {
    const plan = pacemakerCibOp.plan(args(), cibFacts(LIVE));
    const cmds = commands(plan.steps);
    const verify = plan.steps.find((s) => s.kind === 'exec' && s.purpose === 'validate');
    expect(verify?.kind === 'exec' && verify.command).toMatch(/crm_verify -V --xml-file/);
    expect(cmds).toMatch(/crm_diff --no-version --original .* --new .*cibadmin --patch --xml-file/s);
    expect(cmds.indexOf('crm_verify')).toBeLessThan(cmds.indexOf('cibadmin --patch'));
    expect(cmds).toMatch(/crm_resource --wait --timeout=180s/);
    // The resource the inventory no longer has is stopped before the patch removes it.
    expect(cmds).toMatch(
      /crm_resource --resource old-web --meta --set-parameter target-role --parameter-value Stopped/,
    );
    expect(cmds.indexOf('old-web')).toBeLessThan(cmds.indexOf('cibadmin --patch'));
    expect(plan.diffs?.[0]?.path).toBe('cib:configuration');
    expect(plan.diffs?.[0]?.after).toContain('fence-sandbox');
    // The desired full CIB keeps the live status section.
    const put = plan.steps.find((s) => s.kind === 'put' && s.path.includes('cib-new'));
    expect(put?.kind === 'put' && String(put.content)).toContain('<status');
  });

  it('a CIB holding a secret shows no diff body', () => {
    const plan = pacemakerCibOp.plan(args(DESIRED, true), cibFacts(LIVE));
    expect(plan.diffs?.[0]?.sensitive).toBe(true);
  });

  it('previews with crm_simulate: the desired CIB (fence password included) on stdin, never on the command line', () => {
    const password = 'Fence-Pw-7741';
    const withPassword = DESIRED.replace(
      /(<nvpair id="fence-sandbox-instance_attributes-ip"[^>]*\/>)/,
      `$1\n<nvpair id="fence-sandbox-instance_attributes-password" name="password" value="${password}"/>`,
    );
    expect(withPassword, 'the fixture has no fence-sandbox ip to put a password beside').toContain(password);
    const plan = pacemakerCibOp.plan(args(withPassword, true), cibFacts(LIVE));
    const preview = plan.preview;
    expect(preview, 'a changing plan has a preview').toBeDefined();
    if (!preview) return;
    expect(preview.command).toMatch(/^crm_simulate --xml-pipe --run$/);
    // stdin is the very CIB the steps would push: desired configuration + live status.
    const put = plan.steps.find((s) => s.kind === 'put' && s.path.includes('cib-new'));
    expect(put?.kind === 'put' && String(put.content)).toBe(preview.stdin);
    expect(preview.stdin).toContain(password);
    expect(preview.stdin).toContain('<status');
    for (const shown of [preview.command, preview.display ?? '', preview.title])
      expect(shown, 'what a process list or the output shows').not.toContain(password);
    // The real crm_simulate output of a new resource renders as the operator reads it.
    const start = readFileSync('test/pacemaker/fixtures/simulate/start.txt', 'utf8');
    expect(preview.render(start, 0)).toBe('would start canary on node3');
    expect(() => preview.render('Segmentation fault\n', 0)).toThrow(/Transition Summary/);
  });

  it('an unchanged CIB plans no preview either', () => {
    const merged = serializeXml(desiredCib(parseXml(LIVE), parseXml(DESIRED)));
    expect(pacemakerCibOp.plan(args(), cibFacts(merged)).preview).toBeUndefined();
  });

  it('pacemaker not answering is a planning error naming the cause', () => {
    expect(() => pacemakerCibOp.plan(args(), cibFacts(null))).toThrow(/CIB does not answer/);
  });
});

describe('corosync_reset_default (planner, fixtures)', () => {
  const a = corosyncResetDefaultOp.args.parse({});
  const facts = (content: string | null, active: string, cib: boolean) => {
    const reqs = corosyncResetDefaultOp.facts(a);
    const unit = {
      id: 'x',
      load: 'loaded',
      active,
      sub: '',
      unitFileState: 'enabled',
      masked: false,
      enabled: true,
      needDaemonReload: false,
      fragmentPath: '',
    };
    return new Map<string, unknown>([
      [factKey(reqs[0]!), { exists: content !== null, content }],
      [factKey(reqs[1]!), { systemd: true, units: { corosync: unit, pacemaker: unit } }],
      [factKey(reqs[2]!), cib],
    ]);
  };

  it("stops the package's default cluster and clears its CIB before hakit's corosync.conf is in place", () => {
    const plan = corosyncResetDefaultOp.plan(a, facts('totem {\n cluster_name: debian\n}\n', 'active', true));
    expect(commands(plan.steps)).toBe(
      'systemctl stop pacemaker corosync\nrm -f -- /var/lib/pacemaker/cib/cib*',
    );
  });

  it("leaves a host alone once corosync.conf is hakit's (a running cluster is never reset)", () => {
    const plan = corosyncResetDefaultOp.plan(
      a,
      facts('# Managed by hakit — generated\ntotem {}\n', 'active', true),
    );
    expect(plan.steps).toEqual([]);
  });

  it('nothing to do when nothing runs and no CIB was written', () => {
    expect(corosyncResetDefaultOp.plan(a, facts(null, 'inactive', false)).steps).toEqual([]);
  });
});

describe('corosync_wait_quorum (planner)', () => {
  it('one bounded loop naming the members; ok, never changed', () => {
    const plan = corosyncWaitQuorumOp.plan(
      corosyncWaitQuorumOp.args.parse({ nodes: ['n1', 'n2'], dc: true, timeout: 30 }),
      new Map(),
    );
    expect(plan.noChange).toBe(true);
    const s = plan.steps[0];
    expect(s?.kind === 'exec' && s.command).toMatch(/deadline=\$\(\(now \+ 30\)\)/);
    expect(s?.kind === 'exec' && s.command).toMatch(/want='n1 n2'/);
    expect(s?.kind === 'exec' && s.command).toMatch(/timeout 5 crmadmin -D/);
    expect(s?.kind === 'exec' && s.timeoutMs).toBe(60_000);
  });
});
