import { describe, expect, it } from 'vitest';
import { PlanError } from '../../src/ops/index.js';
import { commands, factsFor, planOp } from './helpers.js';

const pm = (v: string | null) => [{ fact: 'package_manager' }, v] as [never, unknown];
const pkgs = (names: string[], v: Record<string, string | null>) =>
  [{ fact: 'packages', args: { names } }, v] as [never, unknown];
const updates = (names: string[], v: Record<string, string | null>) =>
  [{ fact: 'package_updates', args: { names } }, v] as [never, unknown];
const APT =
  'DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold --no-install-recommends';

describe('package operation', () => {
  it('apt present: installs only what is missing, non-interactively, without recommends', () => {
    const plan = planOp(
      'package',
      { name: ['haproxy', 'chrony'], update_cache: true },
      pm('apt'),
      pkgs(['haproxy', 'chrony'], { haproxy: null, chrony: '4.3-2' }),
    );
    expect(commands(plan)).toEqual(['DEBIAN_FRONTEND=noninteractive apt-get update -q', `${APT} haproxy`]);
    expect(plan.summary).toBe('install haproxy');
  });

  it('present and installed → empty plan, even with update_cache', () => {
    expect(
      planOp(
        'package',
        { name: 'chrony', update_cache: true },
        pm('apt'),
        pkgs(['chrony'], { chrony: '4.3-2' }),
      ),
    ).toEqual({ steps: [] });
  });

  it('latest: upgrades what the cache says is newer; up to date → empty', () => {
    const names = ['bash', 'chrony'];
    expect(factsFor('package', { name: names, state: 'latest' })).toEqual([
      { fact: 'package_manager' },
      { fact: 'packages', args: { names } },
      { fact: 'package_updates', args: { names } },
    ]);
    const inst = pkgs(names, { bash: '5.2.15-2+b8', chrony: '4.3-2' });
    expect(
      commands(
        planOp(
          'package',
          { name: names, state: 'latest' },
          pm('apt'),
          inst,
          updates(names, { bash: '5.2.15-2+b13', chrony: null }),
        ),
      ),
    ).toEqual([`${APT} bash`]);
    expect(
      planOp(
        'package',
        { name: names, state: 'latest' },
        pm('apt'),
        inst,
        updates(names, { bash: null, chrony: null }),
      ),
    ).toEqual({ steps: [] });
    expect(
      commands(
        planOp(
          'package',
          { name: names, state: 'latest' },
          pm('dnf'),
          pkgs(names, { bash: '5.1', chrony: null }),
          updates(names, { bash: '5.2', chrony: null }),
        ),
      ),
    ).toEqual(['dnf install -y -q chrony', 'dnf upgrade -y -q bash']);
  });

  it('absent: apt remove/purge and dnf remove of installed ones only', () => {
    const inst = pkgs(['nginx', 'apache2'], { nginx: '1.22', apache2: null });
    expect(
      commands(planOp('package', { name: ['nginx', 'apache2'], state: 'absent' }, pm('apt'), inst)),
    ).toEqual([
      'DEBIAN_FRONTEND=noninteractive apt-get remove -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold nginx',
    ]);
    expect(
      commands(
        planOp('package', { name: ['nginx', 'apache2'], state: 'absent', purge: true }, pm('apt'), inst),
      )[0],
    ).toContain('apt-get purge');
    expect(
      commands(
        planOp('package', { name: 'nginx', state: 'absent' }, pm('dnf'), pkgs(['nginx'], { nginx: '1.20' })),
      ),
    ).toEqual(['dnf remove -y -q nginx']);
    expect(
      planOp('package', { name: 'nginx', state: 'absent' }, pm('dnf'), pkgs(['nginx'], { nginx: null })),
    ).toEqual({
      steps: [],
    });
  });

  it('dnf/yum cache refresh; update_cache alone always runs', () => {
    expect(
      commands(
        planOp('package', { name: 'pcs', update_cache: true }, pm('yum'), pkgs(['pcs'], { pcs: null })),
      ),
    ).toEqual(['yum makecache -q', 'yum install -y -q pcs']);
    expect(commands(planOp('package', { update_cache: true }, pm('apt')))).toEqual([
      'DEBIAN_FRONTEND=noninteractive apt-get update -q',
    ]);
  });

  it('errors: no package manager; bad names; nothing to do', () => {
    expect(() => planOp('package', { name: 'x' }, pm(null), pkgs(['x'], { x: null }))).toThrow(PlanError);
    expect(() => planOp('package', { name: 'x; reboot' })).toThrow();
    expect(() => planOp('package', {})).toThrow(/name, update_cache/);
  });
});
