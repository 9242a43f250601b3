import { describe, expect, it } from 'vitest';
import { batchFactCommand, getFact, parseFactBatch } from '../../src/facts/index.js';
import { debian } from './samples.js';

/**
 * `units` asks systemd once for all its names (and, through `many`, for every request of a batch); `packages`
 * asks dpkg/rpm once for every request of a batch. Each value is still exactly what the request asked for.
 */

const units = getFact('units');
const packages = getFact('packages');

/** `systemctl show -p … ssh cron.service nope.service` as systemd prints it: blocks in argument order. */
const ALL = `systemd
all
Id=ssh.service
LoadState=loaded
ActiveState=active
SubState=running
FragmentPath=/lib/systemd/system/ssh.service
UnitFileState=enabled
NeedDaemonReload=no

Id=cron.service
LoadState=masked
ActiveState=inactive
SubState=dead
FragmentPath=/etc/systemd/system/cron.service
UnitFileState=masked
NeedDaemonReload=no

Id=nope.service
LoadState=not-found
ActiveState=inactive
SubState=dead
FragmentPath=
UnitFileState=
NeedDaemonReload=no
`;

describe('units: one systemctl show for all names', () => {
  const names = ['ssh', 'cron.service', 'nope.service'];
  it('the snippet runs systemctl show once with every name, each unit alone only as a fallback', () => {
    const c = units.command(units.args!.parse({ names: [...names, 'ssh'] }));
    expect(c).toContain(
      "systemctl show -p Id,LoadState,ActiveState,SubState,UnitFileState,NeedDaemonReload,FragmentPath ssh cron.service nope.service 2>/dev/null); then printf 'all",
    );
    expect(c).toMatch(/else for u in ssh cron.service nope.service; do/);
  });

  it('the blocks give the same values as the per-unit sections', () => {
    const a = units.args!.parse({ names });
    const fromAll = units.schema.parse(units.parse(ALL, 0, a));
    const perUnit = units.schema.parse(
      units.parse(debian.units, 0, units.args!.parse({ names: [...names, 'systemd-journald.service'] })),
    ) as { units: Record<string, unknown> };
    expect(fromAll).toEqual({
      systemd: true,
      units: {
        ssh: perUnit.units.ssh,
        'cron.service': perUnit.units['cron.service'],
        'nope.service': perUnit.units['nope.service'],
      },
    });
  });

  it('a block count that is not the name count is an error, not a guess', () => {
    const a = units.args!.parse({ names: [...names, 'extra'] });
    expect(() => units.parse(ALL, 0, a)).toThrow(/printed 3 units for 4 names/);
    expect(() =>
      units.parse(ALL.replace('Id=cron.service', 'garbage'), 0, units.args!.parse({ names })),
    ).toThrow(/not a property line/);
  });

  it('many: every request of a batch from one systemctl show, each with its own names', () => {
    const reqs = [
      { fact: 'units', args: { names: ['ssh', 'cron.service'] } },
      { fact: 'units', args: { names: ['nope.service'] } },
      { fact: 'units', args: { names: ['ssh'] } },
    ];
    const cmd = batchFactCommand(reqs);
    expect(cmd.match(/systemctl show/g)).toHaveLength(2); // the one call, and the fallback loop's
    expect(cmd).toContain('ssh cron.service nope.service 2>/dev/null); then');
    const tag = /@@HAKIT-([0-9a-f]+)-0-BEGIN@@/.exec(cmd)?.[1];
    const out = `@@HAKIT-${tag}-0-BEGIN@@\n${ALL}\n@@HAKIT-${tag}-0-END 0@@\n`;
    const got = [...parseFactBatch(reqs, out).values()] as Array<{ units: Record<string, { id: string }> }>;
    expect(got.map((v) => Object.keys(v.units))).toEqual([
      ['ssh', 'cron.service'],
      ['nope.service'],
      ['ssh'],
    ]);
    expect(got[2]?.units.ssh?.id).toBe('ssh.service');
  });
});

describe('packages many', () => {
  it('one query for the union of names; each request gets exactly its names', () => {
    const args = [
      packages.args!.parse({ names: ['bash', 'chrony'] }),
      packages.args!.parse({ names: ['corosync', 'chrony'] }),
    ];
    const cmd = packages.many!.command(args);
    expect(cmd.match(/dpkg-query -W/g)).toHaveLength(1);
    expect(cmd).toContain(
      `'\${Package}\\t\${db:Status-Abbrev}\\t\${Version}\\n' bash chrony corosync 2>/dev/null`,
    );
    const out = 'tool=dpkg\nbash\tii \t5.2.15-2+b8\nchrony\tii \t4.3-2+deb12u1\ncorosync\tun \t\n';
    expect(packages.many!.parse(out, 0, args)).toEqual([
      { bash: '5.2.15-2+b8', chrony: '4.3-2+deb12u1' },
      { corosync: null, chrony: '4.3-2+deb12u1' },
    ]);
    // The same values as the single form on the same output.
    expect(packages.parse(out, 0, args[1])).toEqual({ corosync: null, chrony: '4.3-2+deb12u1' });
  });
});
