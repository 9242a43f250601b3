import { z } from 'zod';

/**
 * A secret is never written in an inventory: it is a reference, resolved at run time and never printed.
 * `env:NAME` reads an environment variable; `file:PATH` reads a file (relative to the inventory file).
 */
export const SECRET_REF = /^(env:[A-Za-z_][A-Za-z0-9_]*|file:.+)$/;

export const secretRef = z
  .string()
  .regex(SECRET_REF, {
    message: 'must be a secret reference: env:NAME or file:PATH (never the secret itself)',
  })
  .describe(
    'Secret reference: `env:NAME` or `file:PATH` (relative to the inventory). Resolved at run time, never printed.',
  );

export type SecretRef = z.infer<typeof secretRef>;

export function isSecretRef(value: unknown): value is SecretRef {
  return typeof value === 'string' && SECRET_REF.test(value);
}
