import { z } from 'zod';
import { shq } from '../shell/posix.js';
import { ParseProblem } from './errors.js';
import { lines } from './lines.js';
import type { Fact } from './types.js';
import { packageName } from './validators.js';

export const packagesArgs = z.strictObject({ names: z.array(packageName).min(1) });
export type PackagesArgs = z.infer<typeof packagesArgs>;

/** name → installed version (`[epoch:]version-release` on RPM, dpkg's Version on Debian), null when not installed. */
export const packagesSchema = z.record(z.string(), z.string().nullable());
export type PackageVersions = z.infer<typeof packagesSchema>;

function packagesCommand(names: readonly string[]): string {
  const list = names.map(shq).join(' ');
  return [
    'if command -v dpkg-query >/dev/null 2>&1; then echo tool=dpkg',
    `  dpkg-query -W -f='\${Package}\\t\${db:Status-Abbrev}\\t\${Version}\\n' ${list} 2>/dev/null`,
    'elif command -v rpm >/dev/null 2>&1; then echo tool=rpm',
    `  rpm -q --qf '%{NAME}\\tii \\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\\n' ${list} 2>/dev/null`,
    'else echo tool=none; fi',
  ].join('\n');
}

function packagesParse(stdout: string, names: readonly string[]): PackageVersions {
  const ls = lines(stdout);
  const tool = ls[0];
  if (tool !== 'tool=dpkg' && tool !== 'tool=rpm' && tool !== 'tool=none')
    throw new ParseProblem('missing tool header');
  const out: PackageVersions = Object.fromEntries(names.map((n) => [n, null]));
  for (const l of ls.slice(1)) {
    const cols = l.split('\t');
    // rpm prints "package foo is not installed" for missing names: no tabs, skipped.
    if (cols.length !== 3) continue;
    const [name, status, version] = cols as [string, string, string];
    if (!(name in out)) continue;
    // dpkg db:Status-Abbrev: want/status/error, e.g. "ii ", "rc " (removed, config files left), "un ".
    if (status[1] !== 'i') continue;
    if (!version) throw new ParseProblem(`empty version for package ${name}`);
    out[name] = version;
  }
  return out;
}

/**
 * Installed versions of the given packages (dpkg-query on Debian, rpm -q on RHEL). Several requests of a batch
 * share one query (`many`): each value then lists exactly its own names.
 */
export const packagesFact: Fact<PackageVersions, PackagesArgs> = {
  name: 'packages',
  args: packagesArgs,
  command: ({ names }) => packagesCommand(names),
  parse: (stdout, _code, { names }) => packagesParse(stdout, names),
  many: {
    command: (args) => packagesCommand([...new Set(args.flatMap((a) => a.names))]),
    parse(stdout, _code, args) {
      const all = packagesParse(stdout, [...new Set(args.flatMap((a) => a.names))]);
      return args.map((a) => Object.fromEntries(a.names.map((n) => [n, all[n] ?? null])));
    },
  },
  schema: packagesSchema,
};
