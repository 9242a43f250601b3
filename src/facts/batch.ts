import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { FactError, ParseProblem } from './errors.js';
import { type FactRequest, factKey } from './request.js';
import type { AnyFact } from './types.js';

/** Looks a fact up by name; supplied by index.ts so this file stays free of the registry. */
export type FactLookup = (name: string) => AnyFact;

interface Resolved {
  key: string;
  fact: AnyFact;
  args: unknown;
}

/**
 * One BEGIN/END section of the script: a single request, or (`many`) every request of a fact that has a
 * `many` hook when the batch holds two or more of them. `at` are the members' positions in the resolved list.
 */
interface Section {
  fact: AnyFact;
  many: boolean;
  at: number[];
}

/** Unique requests (by factKey), in first-seen order, with validated arguments. */
export function resolveRequests(reqs: FactRequest[], lookup: FactLookup): Resolved[] {
  const seen = new Map<string, Resolved>();
  for (const req of reqs) {
    const key = factKey(req);
    if (seen.has(key)) continue;
    const fact = lookup(req.fact);
    let args: unknown = req.args;
    if (fact.args) {
      const r = fact.args.safeParse(req.args);
      if (!r.success) throw new FactError(fact.name, `invalid arguments: ${issues(r.error)}`);
      args = r.data;
    } else if (req.args !== undefined) {
      throw new FactError(fact.name, 'takes no arguments');
    }
    seen.set(key, { key, fact, args });
  }
  return [...seen.values()];
}

/**
 * Sections in a deterministic order derived from the requests alone (so `parseBatch` rebuilds the same plan):
 * a `many` section sits where its fact's first request was; every other request keeps its own section.
 */
function planSections(resolved: Resolved[]): Section[] {
  const groups = new Map<string, number[]>();
  resolved.forEach((r, i) => {
    if (!r.fact.many) return;
    const g = groups.get(r.fact.name);
    if (g) g.push(i);
    else groups.set(r.fact.name, [i]);
  });
  const sections: Section[] = [];
  resolved.forEach((r, i) => {
    const g = groups.get(r.fact.name);
    if (!g || g.length < 2) sections.push({ fact: r.fact, many: false, at: [i] });
    else if (g[0] === i) sections.push({ fact: r.fact, many: true, at: g });
  });
  return sections;
}

/**
 * A delimiter tag derived from the requests themselves: the same requests give the same tag, so
 * `parseFactBatch` needs nothing but the requests; output cannot forge it without knowing them.
 */
function tagFor(resolved: Resolved[]): string {
  return createHash('sha256')
    .update(resolved.map((r) => r.key).join('\n'))
    .digest('hex')
    .slice(0, 16);
}

const begin = (tag: string, i: number) => `@@HAKIT-${tag}-${i}-BEGIN@@`;
const end = (tag: string, i: number) => `@@HAKIT-${tag}-${i}-END`;

function sectionCommand(s: Section, resolved: Resolved[]): string {
  if (s.many && s.fact.many) return s.fact.many.command(s.at.map((i) => resolved[i]!.args));
  return s.fact.command(resolved[s.at[0]!]!.args);
}

/**
 * One POSIX sh script gathering every requested fact in one round trip. Each section runs in a brace group
 * (no subshell: one fork fewer per section; hence the no-`exit` rule on `Fact.command`) with stdin from
 * /dev/null, between unique BEGIN/END lines; the END line carries the section's exit code.
 */
export function buildBatch(reqs: FactRequest[], lookup: FactLookup): string {
  const resolved = resolveRequests(reqs, lookup);
  const tag = tagFor(resolved);
  const parts = ['LC_ALL=C; export LC_ALL', 'PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"; export PATH'];
  planSections(resolved).forEach((s, i) => {
    parts.push(
      `printf '%s\\n' '${begin(tag, i)}'`,
      `{\n${sectionCommand(s, resolved)}\n} </dev/null`,
      `printf '\\n%s %s@@\\n' '${end(tag, i)}' "$?"`,
    );
  });
  return `${parts.join('\n')}\n`;
}

export function parseBatch(reqs: FactRequest[], stdout: string, lookup: FactLookup): Map<string, unknown> {
  const resolved = resolveRequests(reqs, lookup);
  const tag = tagFor(resolved);
  const values: unknown[] = new Array(resolved.length);
  planSections(resolved).forEach((s, i) => {
    const name = s.fact.name;
    const b = `${begin(tag, i)}\n`;
    const start = stdout.indexOf(b);
    const e = `\n${end(tag, i)} `;
    const stop = start < 0 ? -1 : stdout.indexOf(e, start + b.length - 1);
    if (start < 0 || stop < 0) throw new FactError(name, 'no output (the batch was cut short?)');
    const body = stdout.slice(start + b.length, stop);
    const rcMatch = /^(\d+)@@/.exec(stdout.slice(stop + e.length));
    if (!rcMatch) throw new FactError(name, 'malformed end marker');
    const exitCode = Number(rcMatch[1]);
    const parsed = parseSection(s, resolved, body, exitCode);
    s.at.forEach((at, k) => {
      const checked = (s.fact.schema as z.ZodType).safeParse(parsed[k]);
      if (!checked.success)
        throw new FactError(name, `parsed value does not match its schema: ${issues(checked.error)}`);
      values[at] = checked.data;
    });
  });
  // Insertion order = first-seen request order, whatever the sections.
  return new Map(resolved.map((r, i) => [r.key, values[i]]));
}

/** The section's raw values, one per member; a parser's exception becomes a FactError naming the fact. */
function parseSection(s: Section, resolved: Resolved[], body: string, exitCode: number): unknown[] {
  try {
    if (!s.many || !s.fact.many) return [s.fact.parse(body, exitCode, resolved[s.at[0]!]!.args)];
    const vals = s.fact.many.parse(
      body,
      exitCode,
      s.at.map((i) => resolved[i]!.args),
    );
    if (!Array.isArray(vals) || vals.length !== s.at.length)
      throw new ParseProblem(
        `expected ${s.at.length} values, got ${Array.isArray(vals) ? vals.length : 'none'}`,
      );
    return vals;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new FactError(s.fact.name, `cannot parse output (exit ${exitCode}): ${why}`, err);
  }
}

function issues(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`).join('; ');
}

export { ParseProblem };
