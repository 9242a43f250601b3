import { InputError } from '../errors/index.js';
import { didYouMean, ROLES } from '../model/index.js';
import type { SourceRef } from './types.js';

/** What the engine needs to know about the inventory's hosts (the CLI adapts a LoadedInventory to this). */
export interface TargetNode {
  name: string;
  /** The address other nodes use (link 0). */
  address: string;
  roles: string[];
  attributes: Record<string, unknown>;
}

export interface HostUniverse {
  nodes: TargetNode[];
  /** Group name → node names. */
  groups: Record<string, string[]>;
}

/**
 * Resolves host patterns to node names, in inventory order: `all`, a node name, a group name, `role:NAME`;
 * `!pattern` removes hosts. Unknown patterns are input errors with a "did you mean".
 */
export function resolveHosts(
  patterns: readonly string[],
  universe: HostUniverse,
  where?: SourceRef,
): string[] {
  const selected = new Set<string>();
  const excluded = new Set<string>();
  const positive = patterns.filter((p) => !p.startsWith('!'));
  for (const raw of patterns) {
    const neg = raw.startsWith('!');
    const pat = neg ? raw.slice(1) : raw;
    const names = matchPattern(pat, universe, where);
    for (const n of names) (neg ? excluded : selected).add(n);
  }
  if (positive.length === 0) for (const n of universe.nodes) selected.add(n.name);
  return universe.nodes.map((n) => n.name).filter((n) => selected.has(n) && !excluded.has(n));
}

function matchPattern(pat: string, u: HostUniverse, where?: SourceRef): string[] {
  if (pat === 'all' || pat === '*') return u.nodes.map((n) => n.name);
  if (pat.startsWith('role:')) {
    const role = pat.slice(5);
    const hits = u.nodes.filter((n) => n.roles.includes(role)).map((n) => n.name);
    if (hits.length === 0) {
      // A known role no node has (a cluster without HAProxy) matches nothing: its play is skipped.
      const roles = new Set([...ROLES, ...u.nodes.flatMap((n) => n.roles)]);
      if (!roles.has(role))
        fail(
          `no node has role "${role}"`,
          [...roles].map((r) => `role:${r}`),
          pat,
          where,
        );
    }
    return hits;
  }
  const group = u.groups[pat];
  if (group) return group;
  if (u.nodes.some((n) => n.name === pat)) return [pat];
  fail(
    `unknown host pattern "${pat}"`,
    [...u.nodes.map((n) => n.name), ...Object.keys(u.groups), 'all'],
    pat,
    where,
  );
}

function fail(message: string, candidates: string[], pat: string, where?: SourceRef): never {
  const hint = didYouMean(pat, candidates);
  const msg = `${message}${hint ? ` — did you mean "${hint}"?` : ''}`;
  throw new InputError(
    msg,
    where
      ? [
          {
            severity: 'error',
            file: where.file,
            line: where.line,
            column: where.column,
            path: where.path,
            message: msg,
          },
        ]
      : [],
  );
}

/** Parses `--limit a,b,role:web,!c` into patterns. */
export function parseLimit(limit: string | undefined): string[] | undefined {
  if (limit === undefined) return undefined;
  const parts = limit
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return parts.length ? parts : undefined;
}

/** Splits hosts into rolling batches per `serial` (sizes or percentages; the last size repeats). */
export function serialBatches(hosts: readonly string[], serial: ReadonlyArray<number | string>): string[][] {
  if (serial.length === 0 || hosts.length === 0) return hosts.length ? [[...hosts]] : [];
  const sizes = serial.map((s) =>
    typeof s === 'number' ? s : Math.max(1, Math.floor((hosts.length * Number(s.slice(0, -1))) / 100)),
  );
  const out: string[][] = [];
  let i = 0;
  let k = 0;
  while (i < hosts.length) {
    const size = sizes[Math.min(k, sizes.length - 1)] as number;
    out.push(hosts.slice(i, i + size));
    i += size;
    k++;
  }
  return out;
}

/** Whether a task with `taskTags` runs under --tags/--skip-tags (Ansible rules, incl. `always` and `never`). */
export function tagsSelected(
  taskTags: readonly string[],
  only: readonly string[],
  skip: readonly string[],
): boolean {
  if (taskTags.some((t) => skip.includes(t))) return false;
  if (skip.includes('all')) return false;
  if (taskTags.includes('always')) return true;
  if (only.length === 0 || only.includes('all')) return !taskTags.includes('never');
  if (only.includes('untagged') && taskTags.length === 0) return true;
  if (only.includes('tagged') && taskTags.length > 0) return true;
  return taskTags.some((t) => only.includes(t));
}
