import { z } from 'zod';
import { ParseProblem } from './errors.js';
import { lines } from './lines.js';
import { parseSections } from './sections.js';
import type { Fact } from './types.js';

const portEntry = z.object({
  type: z.string().min(1),
  proto: z.enum(['tcp', 'udp', 'dccp', 'sctp']),
  low: z.number().int().min(0).max(65535),
  high: z.number().int().min(0).max(65535),
});
export type SelinuxPortEntry = z.infer<typeof portEntry>;

export const selinuxPolicySchema = z.object({
  /** SELinux is on (selinuxfs mounted: enforcing or permissive). Nothing else is read when it is off. */
  enabled: z.boolean(),
  /** `semanage` is installed (policycoreutils-python-utils on the dnf family). */
  semanage: z.boolean(),
  /** `getsebool -a`: every boolean of the loaded policy and its running value. */
  booleans: z.record(z.string(), z.boolean()),
  /** `semanage port -l`: every port definition, the policy's and the local ones (a port may be in several). */
  ports: z.array(portEntry),
  /** `semanage port -l -C`: the locally customised definitions only (they take precedence). */
  localPorts: z.array(portEntry),
});
export type SelinuxPolicy = z.infer<typeof selinuxPolicySchema>;

const PROTOS = new Set(['tcp', 'udp', 'dccp', 'sctp']);

/**
 * Rows of `semanage port -l` (and `-l -C`): `TYPE  PROTO  PORT, LOW-HIGH, …`, columns padded with spaces, under a
 * header `SELinux Port Type   Proto   Port Number` and an empty line (seobject.py portRecords.list). A type is
 * listed once per protocol, every port and range of it on that one line.
 */
export function parseSemanagePorts(out: readonly string[]): SelinuxPortEntry[] {
  const entries: SelinuxPortEntry[] = [];
  for (const raw of out) {
    const l = raw.trim();
    if (l === '' || l.startsWith('SELinux Port Type')) continue;
    const m = /^(\S+)\s+(\S+)\s+(\d.*)$/.exec(l);
    if (!m || !PROTOS.has(m[2] as string))
      throw new ParseProblem(`unexpected semanage port line "${l.slice(0, 60)}"`);
    for (const part of (m[3] as string).split(',')) {
      const r = /^\s*(\d+)(?:-(\d+))?\s*$/.exec(part);
      if (!r) throw new ParseProblem(`unexpected port "${part.trim().slice(0, 20)}" of ${m[1]}`);
      const low = Number(r[1]);
      entries.push({
        type: m[1] as string,
        proto: m[2] as SelinuxPortEntry['proto'],
        low,
        high: r[2] === undefined ? low : Number(r[2]),
      });
    }
  }
  return entries;
}

/** Rows of `getsebool -a`: `NAME --> on|off`. */
export function parseGetsebool(out: readonly string[]): Record<string, boolean> {
  const values: Record<string, boolean> = {};
  for (const l of out) {
    const m = /^(\S+)\s+-->\s+(on|off)$/.exec(l.trim());
    if (!m) throw new ParseProblem(`unexpected getsebool line "${l.slice(0, 60)}"`);
    values[m[1] as string] = m[2] === 'on';
  }
  return values;
}

const SECTIONS = ['getsebool', 'local', 'all'] as const;
type Section = (typeof SECTIONS)[number];
const WHAT: Record<Section, string> = {
  getsebool: 'getsebool -a',
  local: 'semanage port -l -C',
  all: 'semanage port -l',
};

/**
 * The SELinux booleans and port labels, in one round trip: `getsebool -a`, then (when semanage is installed)
 * `semanage port -l -C` and `semanage port -l`. On a host without SELinux, or with SELinux disabled, only
 * `enabled=no` (nothing is run). Root: semanage reads the policy store.
 */
export const selinuxPolicyFact: Fact<SelinuxPolicy> = {
  name: 'selinux_policy',
  become: true,
  command: () =>
    [
      'echo selinux_policy',
      'if command -v semanage >/dev/null 2>&1; then echo semanage=yes; else echo semanage=no; fi',
      'if [ -r /sys/fs/selinux/enforce ]; then',
      '  echo enabled=yes',
      "  echo '@getsebool'",
      '  LC_ALL=C getsebool -a 2>/dev/null',
      // A leading newline in case the last row had none (empty lines are dropped).
      '  printf \'\\n@rc=%s\\n\' "$?"',
      '  if command -v semanage >/dev/null 2>&1; then',
      "    echo '@local'",
      '    LC_ALL=C semanage port -l -C 2>/dev/null',
      '    printf \'\\n@rc=%s\\n\' "$?"',
      "    echo '@all'",
      '    LC_ALL=C semanage port -l 2>/dev/null',
      '    printf \'\\n@rc=%s\\n\' "$?"',
      '  fi',
      'else echo enabled=no; fi',
    ].join('\n'),
  parse(stdout) {
    const ls = lines(stdout);
    if (ls[0] !== 'selinux_policy') throw new ParseProblem('missing header line');
    const kv = new Map<string, string>();
    const body = parseSections(ls.slice(1), SECTIONS, {
      failed: (open, rc) => `\`${WHAT[open]}\` failed (exit ${rc})`,
      cutShort: (open) => `the output of \`${WHAT[open]}\` is cut short`,
      keyLine: (k, v, l) => {
        if (!['semanage', 'enabled'].includes(k) || kv.has(k) || !['yes', 'no'].includes(v))
          throw new ParseProblem(`unexpected line "${l.slice(0, 40)}"`);
        kv.set(k, v);
      },
    });
    if (!kv.has('semanage') || !kv.has('enabled'))
      throw new ParseProblem('missing semanage= or enabled= line');
    const enabled = kv.get('enabled') === 'yes';
    const semanage = kv.get('semanage') === 'yes';
    if (enabled && !body.getsebool) throw new ParseProblem('the getsebool output is missing');
    if (enabled && semanage && (!body.local || !body.all))
      throw new ParseProblem('the semanage port output is missing');
    return {
      enabled,
      semanage,
      booleans: parseGetsebool(body.getsebool ?? []),
      ports: parseSemanagePorts(body.all ?? []),
      localPorts: parseSemanagePorts(body.local ?? []),
    };
  },
  schema: selinuxPolicySchema,
};
