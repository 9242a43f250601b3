import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { POLICY_MARK, withoutAutostart } from '../../src/ops/package.js';
import { planOp } from './helpers.js';

const pm = (v: string | null) => [{ fact: 'package_manager' }, v] as [never, unknown];
const pkgs = (names: string[], v: Record<string, string | null>) =>
  [{ fact: 'packages', args: { names } }, v] as [never, unknown];

/** Runs `script` with dash (the /bin/sh of Debian hosts); the policy's verdicts are asked by the "install". */
function run(script: string): { code: number; out: string; err: string } {
  const r = spawnSync('dash', ['-c', script], { encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** A stand-in for apt-get install: asks the policy like invoke-rc.d / deb-systemd-invoke do, prints the verdicts. */
const ASK = (policy: string) =>
  ['corosync.service start', 'pacemaker start', 'haproxy.service start', 'corosync-qdevice start']
    .map((q) => `sh ${policy} ${q}; echo "${q.split(' ')[0]}=$?"`)
    .join('; ');

describe('package: services kept from starting during an apt install (policy-rc.d)', () => {
  it('the policy answers 101 for the named services (init script or unit name), 0 for others, and is gone afterwards', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hakit-policy-'));
    const policy = join(dir, 'policy-rc.d');
    const r = run(withoutAutostart(`${ASK(policy)}; exit 3`, ['corosync', 'pacemaker'], policy));
    expect(r.code, r.err).toBe(3); // the install's own exit code
    expect(r.out.trim().split('\n')).toEqual([
      'corosync.service=101',
      'pacemaker=101',
      'haproxy.service=0',
      'corosync-qdevice=0',
    ]);
    expect(existsSync(policy)).toBe(false);
  });

  it('a policy-rc.d that is not hakit’s decides alone and stays; a stale one of hakit’s is replaced and removed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hakit-policy-'));
    const policy = join(dir, 'policy-rc.d');
    const foreign = '#!/bin/sh\n# the image builder: nothing starts\nexit 101\n';
    writeFileSync(policy, foreign, { mode: 0o755 });
    const r = run(withoutAutostart(ASK(policy), ['corosync'], policy));
    expect(r.out).toContain('haproxy.service=101');
    expect(readFileSync(policy, 'utf8')).toBe(foreign);

    writeFileSync(policy, `#!/bin/sh\n${POLICY_MARK}\nexit 101\n`, { mode: 0o755 });
    const s = run(withoutAutostart(ASK(policy), ['corosync'], policy));
    expect(s.out.trim().split('\n')).toContain('haproxy.service=0');
    expect(existsSync(policy)).toBe(false);
  });

  it('the policy is removed when the install is interrupted (TERM)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hakit-policy-'));
    const policy = join(dir, 'policy-rc.d');
    const r = run(withoutAutostart('kill -TERM $$; sleep 5', ['corosync'], policy));
    expect(r.code).toBe(129);
    expect(existsSync(policy)).toBe(false);
  });

  it('apt plans wrap the install only when something is installed; dnf never starts services on install', () => {
    const apt = planOp(
      'package',
      { name: ['corosync', 'chrony'], no_autostart: ['corosync', 'pacemaker'] },
      pm('apt'),
      pkgs(['corosync', 'chrony'], { corosync: null, chrony: '4.3-2' }),
    );
    const cmd = (apt.steps[0] as { command: string }).command;
    expect(cmd).toContain('> /usr/sbin/policy-rc.d && chmod 0755');
    expect(cmd.split('\n').at(-1)).toMatch(/apt-get install .* corosync$/);
    const dnf = planOp(
      'package',
      { name: ['corosync'], no_autostart: ['corosync'] },
      pm('dnf'),
      pkgs(['corosync'], { corosync: null }),
    );
    expect(dnf.steps).toEqual([{ kind: 'exec', command: 'dnf install -y -q corosync' }]);
    expect(
      planOp(
        'package',
        { name: ['corosync'], no_autostart: ['corosync'] },
        pm('apt'),
        pkgs(['corosync'], { corosync: '3.1.7' }),
      ).steps,
    ).toEqual([]);
  });

  it('the policy file is valid sh', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hakit-policy-'));
    const policy = join(dir, 'policy-rc.d');
    run(withoutAutostart(`cp ${policy} ${dir}/copy`, ['corosync'], policy));
    expect(() => execFileSync('dash', ['-n', `${dir}/copy`])).not.toThrow();
    expect(readFileSync(`${dir}/copy`, 'utf8').split('\n')[1]).toBe(POLICY_MARK);
  });
});
