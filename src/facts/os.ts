import { z } from 'zod';
import { ParseProblem } from './errors.js';
import type { Fact } from './types.js';

export const osFamilies = ['debian', 'rhel', 'suse', 'arch', 'alpine', 'unknown'] as const;
export type OsFamily = (typeof osFamilies)[number];

export const osInfoSchema = z.object({
  family: z.enum(osFamilies),
  /** ID from os-release: debian, ubuntu, rhel, rocky, almalinux, centos, fedora, … */
  id: z.string().min(1),
  idLike: z.array(z.string()),
  /** VERSION_ID, e.g. "12" or "9.4"; empty for rolling releases. */
  version: z.string(),
  /** First component of VERSION_ID as a number (12, 9); null when absent. */
  major: z.number().int().nullable(),
  codename: z.string().nullable(),
  prettyName: z.string(),
});
export type OsInfo = z.infer<typeof osInfoSchema>;

/** Parses os-release(5) syntax: KEY=value with optional single/double quotes and backslash escapes. */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (!m) throw new ParseProblem(`unexpected os-release line (not KEY=value)`);
    let v = m[2] ?? '';
    if (v.length >= 2 && v.startsWith('"') && v.endsWith('"'))
      v = v.slice(1, -1).replace(/\\(["\\$`])/g, '$1');
    else if (v.length >= 2 && v.startsWith("'") && v.endsWith("'")) v = v.slice(1, -1);
    out[m[1]!] = v;
  }
  return out;
}

function familyOf(id: string, idLike: string[]): OsFamily {
  const all = [id, ...idLike];
  if (all.some((x) => x === 'debian' || x === 'ubuntu')) return 'debian';
  if (all.some((x) => ['rhel', 'centos', 'fedora', 'rocky', 'almalinux', 'ol'].includes(x))) return 'rhel';
  if (all.some((x) => x === 'suse' || x.startsWith('opensuse') || x === 'sles')) return 'suse';
  if (all.includes('arch')) return 'arch';
  if (all.includes('alpine')) return 'alpine';
  return 'unknown';
}

/** Distribution from /etc/os-release (family debian|rhel|…, id, version). */
export const osFact: Fact<OsInfo> = {
  name: 'os',
  command: () => 'cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null',
  parse(stdout) {
    const kv = parseOsRelease(stdout);
    if (!kv.ID) throw new ParseProblem('no ID in os-release (is /etc/os-release missing?)');
    const id = kv.ID.toLowerCase();
    const idLike = (kv.ID_LIKE ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    const version = kv.VERSION_ID ?? '';
    const major = /^\d+/.exec(version);
    return {
      family: familyOf(id, idLike),
      id,
      idLike,
      version,
      major: major ? Number(major[0]) : null,
      codename: kv.VERSION_CODENAME || null,
      prettyName: kv.PRETTY_NAME ?? id,
    };
  },
  schema: osInfoSchema,
};
