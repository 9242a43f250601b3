import { z } from 'zod';
import { PlanError } from './errors.js';
import { type FactRequest, type FactValues, factKey } from './types.js';

/** The value of a fact the planner asked for; PlanError when the executor did not supply it. */
export function need<T>(op: string, facts: FactValues, req: FactRequest): T {
  const key = factKey(req);
  if (!facts.has(key)) throw new PlanError(op, `fact ${key} was not gathered`);
  return facts.get(key) as T;
}

/** The value of an optional fact (e.g. a diff-only one), or undefined. */
export function maybe<T>(facts: FactValues, req: FactRequest): T | undefined {
  const key = factKey(req);
  return facts.has(key) ? (facts.get(key) as T) : undefined;
}

/**
 * File modes: a string of 3-4 octal digits ("0644", "644", "4755") or a number whose decimal digits are octal
 * (YAML reads `mode: 0644` as the number 644, as Ansible users know). Normalized to four digits.
 */
export const modeSchema = z.union([z.string(), z.number().int().nonnegative()]).transform((v, ctx) => {
  const s = String(v);
  if (!/^[0-7]{3,4}$/.test(s)) {
    ctx.addIssue({ code: 'custom', message: 'mode must be 3-4 octal digits, e.g. "0644"' });
    return z.NEVER;
  }
  return s.padStart(4, '0');
});

/** A user or group given by name or numeric id. */
export const ownerSchema = z
  .union([z.string(), z.number().int().nonnegative()])
  .transform((v) => String(v))
  .pipe(z.string().regex(/^([A-Za-z_][A-Za-z0-9_.-]*\$?|\d+)$/, 'not a valid user/group name or id'));

/** Whether an owner spec (name or id) matches what stat reported. */
export function sameAccount(want: string, name: string, id: number): boolean {
  return want === name || (/^\d+$/.test(want) && Number(want) === id);
}
