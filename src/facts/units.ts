import { z } from 'zod';
import { shq } from '../shell/posix.js';
import { ParseProblem } from './errors.js';
import { lines, splitOnce } from './lines.js';
import type { Fact } from './types.js';
import { unitName } from './validators.js';

export const unitsArgs = z.strictObject({ names: z.array(unitName).min(1) });
export type UnitsArgs = z.infer<typeof unitsArgs>;

export const unitStateSchema = z.object({
  /** Resolved unit id (`ssh.service` for `sshd` on Debian). */
  id: z.string(),
  /** loaded | not-found | masked | bad-setting | error | … */
  load: z.string(),
  /** active | inactive | failed | activating | deactivating | reloading */
  active: z.string(),
  sub: z.string(),
  /** enabled | disabled | static | masked | indirect | generated | alias | "" … */
  unitFileState: z.string(),
  masked: z.boolean(),
  /** `systemctl is-enabled` would exit 0 (enabled, enabled-runtime, static, alias, indirect, generated, transient). */
  enabled: z.boolean(),
  needDaemonReload: z.boolean(),
  /** Where the unit file was loaded from ("" when none). */
  fragmentPath: z.string(),
});
export type UnitState = z.infer<typeof unitStateSchema>;

export const unitsSchema = z.object({ systemd: z.boolean(), units: z.record(z.string(), unitStateSchema) });
export type UnitsInfo = z.infer<typeof unitsSchema>;

const ENABLED_STATES = new Set([
  'enabled',
  'enabled-runtime',
  'static',
  'alias',
  'indirect',
  'generated',
  'transient',
]);

/** State of systemd units in one `systemctl show` per unit: load, active, enablement, masking, pending reload. */
export const unitsFact: Fact<UnitsInfo, UnitsArgs> = {
  name: 'units',
  args: unitsArgs,
  command({ names }) {
    return [
      'if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then echo systemd',
      `  for u in ${names.map(shq).join(' ')}; do printf 'unit|%s\\n' "$u"`,
      '    systemctl show -p Id,LoadState,ActiveState,SubState,UnitFileState,NeedDaemonReload,FragmentPath "$u" 2>/dev/null',
      '  done',
      'else echo nosystemd; fi',
    ].join('\n');
  },
  parse(stdout, _code, { names }) {
    const ls = lines(stdout);
    if (ls[0] === 'nosystemd') return { systemd: false, units: {} };
    if (ls[0] !== 'systemd') throw new ParseProblem('missing header line');
    const props = new Map<string, Record<string, string>>();
    let cur: Record<string, string> | null = null;
    for (const l of ls.slice(1)) {
      const [k, v] = splitOnce(l, l.startsWith('unit|') ? '|' : '=');
      if (l.startsWith('unit|')) {
        cur = {};
        props.set(v, cur);
      } else if (cur) cur[k] = v;
      else throw new ParseProblem('property line before any unit header');
    }
    const units: UnitsInfo['units'] = {};
    for (const n of names) {
      const p = props.get(n);
      if (!p) throw new ParseProblem(`no output for unit ${n}`);
      if (p.LoadState === undefined || p.ActiveState === undefined)
        throw new ParseProblem(`unit ${n}: LoadState/ActiveState missing from systemctl show`);
      const ufs = p.UnitFileState ?? '';
      units[n] = {
        id: p.Id ?? n,
        load: p.LoadState,
        active: p.ActiveState,
        sub: p.SubState ?? '',
        unitFileState: ufs,
        masked: p.LoadState === 'masked' || ufs.startsWith('masked'),
        enabled: ENABLED_STATES.has(ufs),
        needDaemonReload: p.NeedDaemonReload === 'yes',
        fragmentPath: p.FragmentPath ?? '',
      };
    }
    return { systemd: true, units };
  },
  schema: unitsSchema,
};
