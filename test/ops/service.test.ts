import { describe, expect, it } from 'vitest';
import type { UnitState } from '../../src/facts/units.js';
import { getOperation, PlanError } from '../../src/ops/index.js';
import { commands, planOp } from './helpers.js';

const U = 'haproxy.service';
function unit(over: Partial<UnitState> = {}): UnitState {
  return {
    id: U,
    load: 'loaded',
    active: 'active',
    sub: 'running',
    unitFileState: 'enabled',
    masked: false,
    enabled: true,
    needDaemonReload: false,
    fragmentPath: '/lib/systemd/system/haproxy.service',
    ...over,
  };
}
const units = (u: UnitState, systemd = true) =>
  [
    { fact: 'units', args: { names: [U] } },
    { systemd, units: systemd ? { [U]: u } : {} },
  ] as [never, unknown];
const svc = (args: object, u: UnitState) => planOp('service', { name: U, ...args }, units(u));

const stopped = unit({ active: 'inactive', sub: 'dead', unitFileState: 'disabled', enabled: false });

describe('service operation', () => {
  it('started + enabled from stopped/disabled; already so → empty', () => {
    const plan = svc({ state: 'started', enabled: true }, stopped);
    expect(commands(plan)).toEqual([`systemctl enable ${U}`, `systemctl start ${U}`]);
    expect(plan.summary).toBe(`enable, start ${U}`);
    expect(svc({ state: 'started', enabled: true }, unit())).toEqual({ steps: [] });
    expect(svc({ state: 'started' }, unit({ active: 'activating' }))).toEqual({ steps: [] });
  });

  it('stopped + disabled; a failed unit counts as stopped; static units need no enable', () => {
    expect(commands(svc({ state: 'stopped', enabled: false }, unit()))).toEqual([
      `systemctl disable ${U}`,
      `systemctl stop ${U}`,
    ]);
    expect(svc({ state: 'stopped' }, unit({ active: 'failed' }))).toEqual({ steps: [] });
    expect(svc({ enabled: true }, unit({ unitFileState: 'static', enabled: true }))).toEqual({ steps: [] });
    expect(svc({ enabled: false }, unit({ unitFileState: 'static', enabled: true }))).toEqual({ steps: [] });
  });

  it('restarted always acts; reloaded reloads a running unit and starts a stopped one', () => {
    expect(commands(svc({ state: 'restarted' }, unit()))).toEqual([`systemctl restart ${U}`]);
    expect(commands(svc({ state: 'reloaded' }, unit()))).toEqual([`systemctl reload ${U}`]);
    expect(commands(svc({ state: 'reloaded' }, stopped))).toEqual([`systemctl start ${U}`]);
  });

  it('masked: stop then mask; unmask before start; masked → empty', () => {
    expect(commands(svc({ state: 'stopped', masked: true }, unit()))).toEqual([
      `systemctl stop ${U}`,
      `systemctl mask ${U}`,
    ]);
    const masked = unit({
      load: 'masked',
      unitFileState: 'masked',
      masked: true,
      enabled: false,
      active: 'inactive',
    });
    expect(svc({ masked: true, state: 'stopped' }, masked)).toEqual({ steps: [] });
    expect(commands(svc({ masked: false, state: 'started' }, masked))).toEqual([
      `systemctl unmask ${U}`,
      `systemctl start ${U}`,
    ]);
    expect(() => svc({ masked: true }, unit({ fragmentPath: `/etc/systemd/system/${U}` }))).toThrow(
      /cannot mask/,
    );
  });

  it('daemon_reload: first when systemd wants it or anything else runs; alone and not needed → empty', () => {
    expect(
      commands(svc({ daemon_reload: true, state: 'started' }, unit({ needDaemonReload: true }))),
    ).toEqual(['systemctl daemon-reload']);
    expect(commands(svc({ daemon_reload: true, state: 'started' }, stopped))).toEqual([
      'systemctl daemon-reload',
      `systemctl start ${U}`,
    ]);
    expect(svc({ daemon_reload: true, state: 'started' }, unit())).toEqual({ steps: [] });
    // A brand-new unit file systemd has not loaded yet.
    const fresh = unit({
      load: 'not-found',
      active: 'inactive',
      unitFileState: '',
      enabled: false,
      fragmentPath: '',
    });
    expect(commands(svc({ daemon_reload: true, state: 'started', enabled: true }, fresh))).toEqual([
      'systemctl daemon-reload',
      `systemctl enable ${U}`,
      `systemctl start ${U}`,
    ]);
  });

  it('refuses non-systemd hosts and contradictory args', () => {
    expect(() => planOp('service', { name: U, state: 'started' }, units(unit(), false))).toThrow(PlanError);
    const op = getOperation('service');
    expect(op.args.safeParse({ name: U, masked: true, state: 'started' }).success).toBe(false);
    expect(op.args.safeParse({ name: U, masked: true, enabled: true }).success).toBe(false);
    expect(op.args.safeParse({ name: 'x y' }).success).toBe(false);
  });
});
