import { describe, expect, it } from 'vitest';
import { setSysctlLine } from '../../src/ops/sysctl.js';
import { commands, contentReq, existingFile, factsFor, fileReq, planOp } from './helpers.js';

const se = (state: string, configured: string | null, configExists = configured !== null) =>
  [{ fact: 'selinux' }, { state, configured, configExists }] as [never, unknown];

describe('selinux operation', () => {
  it('no-op when SELinux is absent (Debian)', () => {
    expect(planOp('selinux', { state: 'enforcing' }, se('absent', null))).toEqual({ steps: [] });
  });
  it('enforcing → permissive: setenforce 0 and the config line', () => {
    expect(commands(planOp('selinux', { state: 'permissive' }, se('enforcing', 'enforcing')))).toEqual([
      'setenforce 0',
      "if grep -q '^[[:space:]]*SELINUX=' /etc/selinux/config; then sed -i 's/^[[:space:]]*SELINUX=.*/SELINUX=permissive/' /etc/selinux/config; else echo 'SELINUX=permissive' >> /etc/selinux/config; fi",
    ]);
  });
  it('already as asked → empty; disabled can only be configured (reboot)', () => {
    expect(planOp('selinux', { state: 'enforcing' }, se('enforcing', 'enforcing'))).toEqual({ steps: [] });
    const toDisabled = planOp('selinux', { state: 'disabled' }, se('enforcing', 'enforcing'));
    expect(commands(toDisabled)[0]).toBe('setenforce 0');
    expect(toDisabled.summary).toContain('after a reboot');
    expect(planOp('selinux', { state: 'disabled' }, se('permissive', 'disabled'))).toEqual({ steps: [] });
    // Running disabled: setenforce cannot work, only the config changes.
    expect(commands(planOp('selinux', { state: 'enforcing' }, se('disabled', 'disabled')))).toHaveLength(1);
  });
});

describe('sysctl', () => {
  it('setSysctlLine: replace, keep equivalent spelling, drop duplicates, append', () => {
    expect(setSysctlLine('', 'vm.swappiness', '10')).toBe('vm.swappiness = 10\n');
    expect(setSysctlLine('# tuned\nvm.swappiness=60\n', 'vm.swappiness', '10')).toBe(
      '# tuned\nvm.swappiness = 10\n',
    );
    expect(setSysctlLine('vm.swappiness=10\n', 'vm.swappiness', '10')).toBe('vm.swappiness=10\n');
    expect(setSysctlLine('a.b = 1\nvm.swappiness = 5\nvm.swappiness = 6\n', 'vm.swappiness', '10')).toBe(
      'a.b = 1\nvm.swappiness = 10\n',
    );
    expect(setSysctlLine('net.ipv4.ip_forwardX = 1', 'net.ipv4.ip_forward', '1')).toBe(
      'net.ipv4.ip_forwardX = 1\nnet.ipv4.ip_forward = 1\n',
    );
  });

  const F = '/etc/sysctl.d/99-hakit.conf';
  const live = (v: string | null) =>
    [{ fact: 'sysctl', args: { names: ['net.ipv4.ip_forward'] } }, { 'net.ipv4.ip_forward': v }] as [
      never,
      unknown,
    ];
  const content = (c: string | null) =>
    [contentReq(F), { exists: c !== null, content: c, tooLarge: false }] as [never, unknown];

  it('facts: live value, and the persist file with its content', () => {
    expect(factsFor('sysctl', { name: 'net.ipv4.ip_forward', value: 1 })).toEqual([
      { fact: 'sysctl', args: { names: ['net.ipv4.ip_forward'] } },
      fileReq(F),
      contentReq(F),
    ]);
  });

  it('sets the live value and writes the file; both already right → empty', () => {
    const plan = planOp(
      'sysctl',
      { name: 'net.ipv4.ip_forward', value: 1 },
      live('0'),
      [fileReq(F), { exists: false }],
      content(null),
    );
    expect(plan.steps[0]).toEqual({ kind: 'exec', command: 'sysctl -q -w net.ipv4.ip_forward=1' });
    expect(plan.steps[1]).toMatchObject({ kind: 'put', content: 'net.ipv4.ip_forward = 1\n', mode: 0o644 });
    expect(plan.diffs).toEqual([{ path: F, before: null, after: 'net.ipv4.ip_forward = 1\n' }]);
    const body = 'net.ipv4.ip_forward = 1\n';
    expect(
      planOp(
        'sysctl',
        { name: 'net.ipv4.ip_forward', value: '1' },
        live('1'),
        [fileReq(F), existingFile()],
        content(body),
      ),
    ).toEqual({ steps: [] });
  });

  it('multi-field values compare whitespace-insensitively; persist: false only applies', () => {
    const range = [
      { fact: 'sysctl', args: { names: ['net.ipv4.ip_local_port_range'] } },
      { 'net.ipv4.ip_local_port_range': '32768 60999' },
    ] as [never, unknown];
    expect(
      planOp(
        'sysctl',
        { name: 'net.ipv4.ip_local_port_range', value: '32768\t60999', persist: false },
        range,
      ),
    ).toEqual({ steps: [] });
    expect(factsFor('sysctl', { name: 'vm.swappiness', value: 1, persist: false })).toHaveLength(1);
  });

  it('unknown key → PlanError', () => {
    expect(() =>
      planOp('sysctl', { name: 'net.ipv4.ip_forward', value: 1, persist: false }, live(null)),
    ).toThrow(/unknown kernel parameter/);
  });
});
