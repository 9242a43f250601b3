import { z } from 'zod';

/**
 * The value types every schema slice shares (node names, Pacemaker ids, durations, scores, …). Each key is
 * documented with `.describe()` because docs/inventory.md and the JSON Schema are generated from the schema.
 */

/** Objects are strict: an unknown key is an error (with a "did you mean" suggestion). */
export const strict = z.strictObject;

export const nodeName = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, {
    message: 'must be a lowercase host name (letters, digits, "-"; at most 63 characters)',
  })
  .describe('Node name: also its host name and its corosync/pacemaker node name.');

export const resourceId = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_.-]*$/, {
    message: 'must start with a letter; letters, digits, "_", "-", "." only',
  })
  .describe('A Pacemaker id (XML ID: starts with a letter).');

export const ipAddress = z.union([z.ipv4(), z.ipv6()]).describe('An IPv4 or IPv6 address.');
export const port = z.number().int().min(1).max(65535);
export const duration = z
  .union([
    z.string().regex(/^\d+(ms|s|m|min|h)?$/, { message: 'must be a duration like 10s, 500ms, 2min' }),
    z.number().int().min(0),
  ])
  .describe('Pacemaker duration: `10s`, `500ms`, `2min`, or a number of seconds.');
export const score = z
  .union([z.number().int(), z.enum(['INFINITY', '-INFINITY', '+INFINITY'])])
  .describe('Pacemaker score: an integer, INFINITY or -INFINITY.');
export const scalar = z.union([z.string(), z.number(), z.boolean()]);
export const paramMap = z
  .record(z.string().regex(/^[A-Za-z0-9_.:-]+$/), scalar)
  .describe('Agent parameters (instance attributes). A value written as `env:NAME`/`file:PATH` is a secret.');
export const metaMap = z
  .record(z.string().regex(/^[a-z0-9-]+$/), scalar)
  .describe('Meta attributes, e.g. `target-role`.');
