import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { type FactRequest, factKey } from '../ops/types.js';
import { FactError, ParseProblem } from './errors.js';
import type { AnyFact } from './types.js';

/** Looks a fact up by name; supplied by index.ts so this file stays free of the registry. */
export type FactLookup = (name: string) => AnyFact;

interface Resolved {
  key: string;
  fact: AnyFact;
  args: unknown;
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

/**
 * One POSIX sh script gathering every requested fact in one round trip. Each snippet runs in its own
 * subshell with stdin from /dev/null, between unique BEGIN/END lines; the END line carries its exit code.
 */
export function buildBatch(reqs: FactRequest[], lookup: FactLookup): string {
  const resolved = resolveRequests(reqs, lookup);
  const tag = tagFor(resolved);
  const parts = ['LC_ALL=C; export LC_ALL', 'PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"; export PATH'];
  resolved.forEach((r, i) => {
    parts.push(
      `printf '%s\\n' '${begin(tag, i)}'`,
      `(\n${r.fact.command(r.args)}\n) </dev/null`,
      `printf '\\n%s %s@@\\n' '${end(tag, i)}' "$?"`,
    );
  });
  return `${parts.join('\n')}\n`;
}

export function parseBatch(reqs: FactRequest[], stdout: string, lookup: FactLookup): Map<string, unknown> {
  const resolved = resolveRequests(reqs, lookup);
  const tag = tagFor(resolved);
  const out = new Map<string, unknown>();
  resolved.forEach((r, i) => {
    const b = `${begin(tag, i)}\n`;
    const start = stdout.indexOf(b);
    const e = `\n${end(tag, i)} `;
    const stop = start < 0 ? -1 : stdout.indexOf(e, start + b.length - 1);
    if (start < 0 || stop < 0) throw new FactError(r.fact.name, 'no output (the batch was cut short?)');
    const body = stdout.slice(start + b.length, stop);
    const rcMatch = /^(\d+)@@/.exec(stdout.slice(stop + e.length));
    if (!rcMatch) throw new FactError(r.fact.name, 'malformed end marker');
    const exitCode = Number(rcMatch[1]);
    let value: unknown;
    try {
      value = r.fact.parse(body, exitCode, r.args);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new FactError(r.fact.name, `cannot parse output (exit ${exitCode}): ${why}`, err);
    }
    const checked = (r.fact.schema as z.ZodType).safeParse(value);
    if (!checked.success)
      throw new FactError(r.fact.name, `parsed value does not match its schema: ${issues(checked.error)}`);
    out.set(r.key, checked.data);
  });
  return out;
}

function issues(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`).join('; ');
}

export { ParseProblem };
