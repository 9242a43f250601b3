import { z } from 'zod';
import { shq } from '../shell/posix.js';
import { ParseProblem } from './errors.js';
import { splitOnce } from './lines.js';
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

const PROPS = 'Id,LoadState,ActiveState,SubState,UnitFileState,NeedDaemonReload,FragmentPath';

/**
 * ONE `systemctl show` for all the names (systemctl prints one block per unit, in argument order, blank lines
 * between them), after an `all` line. When it fails (it stops at the first name it rejects, e.g. a template
 * without an instance), each unit gets a `systemctl show` of its own after a `unit|NAME` line, as before.
 */
function unitsCommand(names: readonly string[]): string {
  const list = names.map(shq).join(' ');
  return [
    'if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then echo systemd',
    `  if o=$(systemctl show -p ${PROPS} ${list} 2>/dev/null); then printf 'all\n%s\n' "$o"`,
    `  else for u in ${list}; do printf 'unit|%s\n' "$u"`,
    `    systemctl show -p ${PROPS} "$u" 2>/dev/null`,
    '  done; fi',
    'else echo nosystemd; fi',
  ].join('\n');
}

/** The properties of each name: from the `all` blocks (by position) or the `unit|NAME` sections. */
function unitProps(stdout: string, names: readonly string[]): Map<string, Record<string, string>> | null {
  const ls = stdout.split('\n').map((l) => l.replace(/\r$/, ''));
  while (ls.length && ls[ls.length - 1] === '') ls.pop();
  const head = ls.findIndex((l) => l !== '');
  if (ls[head] === 'nosystemd') return null;
  if (ls[head] !== 'systemd') throw new ParseProblem('missing header line');
  const rest = ls.slice(head + 1);
  const props = new Map<string, Record<string, string>>();
  if (rest[0] === 'all') {
    const blocks: Array<Record<string, string>> = [];
    let cur: Record<string, string> | null = null;
    for (const l of rest.slice(1)) {
      if (l === '') {
        cur = null;
        continue;
      }
      if (!l.includes('=')) throw new ParseProblem('not a property line in systemctl show output');
      if (!cur) blocks.push((cur = {}));
      const [k, v] = splitOnce(l, '=');
      cur[k] = v;
    }
    if (blocks.length !== names.length)
      throw new ParseProblem(`systemctl show printed ${blocks.length} units for ${names.length} names`);
    names.forEach((n, i) => props.set(n, blocks[i]!));
    return props;
  }
  let cur: Record<string, string> | null = null;
  for (const l of rest) {
    if (l === '') continue;
    const [k, v] = splitOnce(l, l.startsWith('unit|') ? '|' : '=');
    if (l.startsWith('unit|')) {
      cur = {};
      props.set(v, cur);
    } else if (cur) cur[k] = v;
    else throw new ParseProblem('property line before any unit header');
  }
  return props;
}

function unitState(n: string, p: Record<string, string> | undefined): UnitState {
  if (!p) throw new ParseProblem(`no output for unit ${n}`);
  if (p.LoadState === undefined || p.ActiveState === undefined)
    throw new ParseProblem(`unit ${n}: LoadState/ActiveState missing from systemctl show`);
  const ufs = p.UnitFileState ?? '';
  return {
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

function unitsOf(props: Map<string, Record<string, string>> | null, names: readonly string[]): UnitsInfo {
  if (!props) return { systemd: false, units: {} };
  const units: UnitsInfo['units'] = {};
  for (const n of names) units[n] = unitState(n, props.get(n));
  return { systemd: true, units };
}

const unique = (names: readonly string[]) => [...new Set(names)];

/**
 * State of systemd units: load, active, enablement, masking, pending reload. One `systemctl show` answers every
 * name (and, through `many`, every request of a batch): each call costs a process and a round trip to systemd.
 */
export const unitsFact: Fact<UnitsInfo, UnitsArgs> = {
  name: 'units',
  args: unitsArgs,
  command: ({ names }) => unitsCommand(unique(names)),
  parse: (stdout, _code, { names }) => unitsOf(unitProps(stdout, unique(names)), names),
  many: {
    command: (args) => unitsCommand(unique(args.flatMap((a) => a.names))),
    parse(stdout, _code, args) {
      const props = unitProps(stdout, unique(args.flatMap((a) => a.names)));
      return args.map((a) => unitsOf(props, a.names));
    },
  },
  schema: unitsSchema,
};
