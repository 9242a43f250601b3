import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chronyWaitSyncOp } from '../../src/components/chrony/wait-sync-op.js';
import { registryOps } from '../../src/executor/registries.js';
import { evalCondition } from '../../src/playbook/expr.js';
import { loadPlaybook } from '../../src/playbook/load.js';

/**
 * The chrony_wait_sync script run for real (dash and bash) against a fake `chronyc` that prints, call after call,
 * what a scenario says (the format of chrony 4.3's `chronyc -n tracking`; the leap status values are those of
 * chrony's documentation: Normal, Insert second, Delete second, Not synchronised).
 */
const tracking = (leap: string, ref = '203.0.113.7') => `Reference ID    : CB007107 (${ref})
Stratum         : 3
Ref time (UTC)  : Thu Dec 03 08:20:11 2026
System time     : 0.000012345 seconds fast of NTP time
Last offset     : +0.000004211 seconds
RMS offset      : 0.000019870 seconds
Frequency       : 12.345 ppm slow
Residual freq   : +0.001 ppm
Skew            : 0.042 ppm
Root delay      : 0.012345678 seconds
Root dispersion : 0.001234567 seconds
Update interval : 64.2 seconds
Leap status     : ${leap}
`;
const UNSYNC = `Reference ID    : 00000000 ()
Stratum         : 0
Ref time (UTC)  : Thu Jan 01 00:00:00 1970
System time     : 0.000000000 seconds fast of NTP time
Last offset     : +0.000000000 seconds
RMS offset      : 0.000000000 seconds
Frequency       : 0.000 ppm slow
Residual freq   : +0.000 ppm
Skew            : 0.000 ppm
Root delay      : 1.000000000 seconds
Root dispersion : 1.000000000 seconds
Update interval : 0.0 seconds
Leap status     : Not synchronised
`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hakit-chronyw-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fake chronyc answering call k with outputs[min(k, last)]; `null` is chronyd not answering (exit 1). */
function scenario(name: string, outputs: Array<string | null>): string {
  const bin = join(dir, name);
  spawnSync('mkdir', ['-p', bin]);
  outputs.forEach((o, i) => {
    writeFileSync(join(bin, `out${i}`), o ?? '');
  });
  writeFileSync(
    join(bin, 'chronyc'),
    [
      '#!/bin/sh',
      `n=$(cat ${bin}/calls 2>/dev/null || echo 0); echo $((n + 1)) > ${bin}/calls`,
      `last=${outputs.length - 1}; i=$n; [ "$i" -gt "$last" ] && i=$last`,
      `case " ${outputs.map((o, i) => (o === null ? i : '')).join(' ')} " in *" $i "*) echo "506 Cannot talk to daemon" >&2; exit 1 ;; esac`,
      `cat ${bin}/out$i`,
    ].join('\n'),
  );
  chmodSync(join(bin, 'chronyc'), 0o755);
  return bin;
}

function run(shell: string, bin: string, timeout = 1) {
  const plan = chronyWaitSyncOp.plan(chronyWaitSyncOp.args.parse({ timeout }), new Map());
  const step = plan.steps[0];
  if (step?.kind !== 'exec') throw new Error('expected one exec step');
  expect(plan.noChange).toBe(true);
  const r = spawnSync(shell, ['-c', step.command], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    timeout: 20_000,
  });
  return { code: r.status, stderr: r.stderr, calls: Number(readFileSync(join(bin, 'calls'), 'utf8')) };
}

describe.each(['sh', 'bash'])('chrony_wait_sync script (%s)', (shell) => {
  it('synchronised: done after one chronyc call', () => {
    expect(run(shell, scenario(`${shell}-ok`, [tracking('Normal')]))).toEqual({
      code: 0,
      stderr: '',
      calls: 1,
    });
  });

  it('a leap second announced is synchronised too', () => {
    expect(run(shell, scenario(`${shell}-leap`, [tracking('Insert second')])).code).toBe(0);
  });

  it('keeps asking while chronyd starts and while it is not synchronised, until it is', () => {
    const r = run(shell, scenario(`${shell}-late`, [null, UNSYNC, tracking('Normal')]), 10);
    expect(r).toEqual({ code: 0, stderr: '', calls: 3 });
  });

  it('never synchronised: fails after the bound, with the leap status and chronyc’s own report', () => {
    const r = run(shell, scenario(`${shell}-never`, [UNSYNC]), 1);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'time not synchronised after 1 s (leap status: Not synchronised, chronyc exit 0)',
    );
    expect(r.stderr).toContain('Reference ID    : 00000000 ()');
    expect(r.calls).toBeGreaterThanOrEqual(2);
  });

  it('chronyd not answering: fails after the bound saying so', () => {
    const r = run(shell, scenario(`${shell}-down`, [null]), 1);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('leap status: unknown, chronyc exit 1');
    expect(r.stderr).toContain('506 Cannot talk to daemon');
  });
});

describe('chrony_wait_sync in playbooks/prepare.yaml and against the real chronyc', () => {
  it('runs after chrony is configured and its handlers flushed, before anything of the cluster, not in containers', async () => {
    expect(registryOps.get('chrony_wait_sync')).toBe(chronyWaitSyncOp);
    const [play] = (await loadPlaybook('playbooks/prepare.yaml', registryOps)).plays;
    const ops = (play?.tasks ?? []).map((t) => t.op);
    const wait = ops.indexOf('chrony_wait_sync');
    expect(wait).toBeGreaterThan(ops.lastIndexOf('config_file'));
    expect(ops[wait - 1]).toBe('meta');
    const task = play?.tasks[wait];
    expect(task?.tags).toContain('chrony');
    const runs = (rc: number) => (task?.when ?? []).every((w) => evalCondition(w, { virt: { rc } }));
    expect(runs(1)).toBe(true); // systemd-detect-virt --container: 1 = not a container
    expect(runs(0)).toBe(false);
    // site.yaml: prepare (and so this wait) comes before corosync.
    const site = readFileSync('playbooks/site.yaml', 'utf8');
    expect(site.indexOf('prepare.yaml')).toBeLessThan(site.indexOf('corosync.yaml'));
  });

  it('the real chronyc: the script reads its report (no chronyd here: the bounded wait fails with chronyc’s own message)', () => {
    const plan = chronyWaitSyncOp.plan(chronyWaitSyncOp.args.parse({ timeout: 1 }), new Map());
    const step = plan.steps[0];
    if (step?.kind !== 'exec') throw new Error('expected one exec step');
    const direct = spawnSync('sh', ['-c', 'chronyc -n tracking'], { encoding: 'utf8' });
    expect(
      direct.error,
      'chronyc (Debian package chrony) must be installed: scripts/ensure-test-tools.sh',
    ).toBeUndefined();
    const r = spawnSync('sh', ['-c', step.command], { encoding: 'utf8', timeout: 20_000 });
    if (direct.status === 0 && /^Leap status\s*:\s*Normal$/m.test(direct.stdout)) {
      // A synchronised chronyd runs on this machine: the script must say so at once.
      expect(r.status, r.stderr).toBe(0);
      return;
    }
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/time not synchronised after 1 s \(leap status: [^)]*, chronyc exit \d+\)/);
    expect(r.stderr).toContain((direct.stderr || direct.stdout).trim().split('\n')[0] as string);
  });
});
