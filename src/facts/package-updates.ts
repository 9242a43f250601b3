import { z } from 'zod';
import { shq } from '../shell/posix.js';
import { ParseProblem } from './errors.js';
import { lines } from './lines.js';
import type { Fact } from './types.js';
import { packageName } from './validators.js';

export const packageUpdatesArgs = z.strictObject({ names: z.array(packageName).min(1) });
export type PackageUpdatesArgs = z.infer<typeof packageUpdatesArgs>;

/** name → newer version available from the local package cache, null when up to date, unknown or not installed. */
export const packageUpdatesSchema = z.record(z.string(), z.string().nullable());
export type PackageUpdates = z.infer<typeof packageUpdatesSchema>;

/**
 * Upgrades available for installed packages, from the local cache only (never the network):
 * `apt-cache policy` on Debian, `dnf --cacheonly list --upgrades` on RHEL.
 */
export const packageUpdatesFact: Fact<PackageUpdates, PackageUpdatesArgs> = {
  name: 'package_updates',
  args: packageUpdatesArgs,
  command({ names }) {
    const list = names.map(shq).join(' ');
    return [
      `if command -v apt-cache >/dev/null 2>&1; then echo tool=apt; LC_ALL=C apt-cache policy ${list} 2>/dev/null`,
      `elif command -v dnf >/dev/null 2>&1; then echo tool=dnf; dnf -q --cacheonly list --upgrades ${list} 2>/dev/null`,
      `elif command -v yum >/dev/null 2>&1; then echo tool=dnf; yum -q -C list updates ${list} 2>/dev/null`,
      'else echo tool=none; fi',
    ].join('\n');
  },
  parse(stdout, _code, { names }) {
    const ls = lines(stdout);
    const tool = ls[0];
    const out: PackageUpdates = Object.fromEntries(names.map((n) => [n, null]));
    if (tool === 'tool=apt') {
      let current: string | null = null;
      let installed: string | null = null;
      const flush = (candidate: string) => {
        if (current && current in out && installed && installed !== '(none)' && candidate !== '(none)') {
          if (candidate !== installed) out[current] = candidate;
        }
      };
      for (const l of ls.slice(1)) {
        const head = /^(\S+?)(?::[a-z0-9]+)?:$/.exec(l);
        if (head) {
          current = head[1]!;
          installed = null;
          continue;
        }
        const inst = /^\s+Installed:\s*(\S+)/.exec(l);
        if (inst) installed = inst[1]!;
        const cand = /^\s+Candidate:\s*(\S+)/.exec(l);
        if (cand) flush(cand[1]!);
      }
      return out;
    }
    if (tool === 'tool=dnf') {
      for (const l of ls.slice(1)) {
        const cols = l.trim().split(/\s+/);
        if (cols.length < 3) continue;
        const nameArch = cols[0]!;
        const dot = nameArch.lastIndexOf('.');
        const name = dot > 0 ? nameArch.slice(0, dot) : nameArch;
        if (name in out) out[name] = cols[1]!;
      }
      return out;
    }
    if (tool === 'tool=none') return out;
    throw new ParseProblem('missing tool header');
  },
  schema: packageUpdatesSchema,
};
