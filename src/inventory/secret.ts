import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { HakitError } from '../errors/index.js';

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

export class SecretError extends HakitError {
  constructor(message: string) {
    super(message, { code: 'E_SECRET', exitCode: 2 });
  }
}

/**
 * Resolves a reference. Errors name the reference (never a value). `baseDir` anchors `file:` paths.
 * File secrets keep their bytes except one trailing newline.
 */
export function resolveSecret(ref: SecretRef, baseDir: string, env: NodeJS.ProcessEnv = process.env): string {
  if (ref.startsWith('env:')) {
    const name = ref.slice(4);
    const v = env[name];
    if (v === undefined || v === '')
      throw new SecretError(`secret ${ref}: environment variable ${name} is not set`);
    return v;
  }
  const p = ref.slice(5);
  const path = isAbsolute(p) ? p : resolve(baseDir, p);
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new SecretError(`secret ${ref}: cannot read ${path} (${code})`);
  }
}

/** Reads a binary secret (e.g. the corosync authkey) from a `file:` reference. */
export function resolveSecretBytes(
  ref: SecretRef,
  baseDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Buffer {
  if (ref.startsWith('env:')) return Buffer.from(resolveSecret(ref, baseDir, env), 'base64');
  const p = ref.slice(5);
  const path = isAbsolute(p) ? p : resolve(baseDir, p);
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new SecretError(`secret ${ref}: cannot read ${path} (${code})`);
  }
}

/**
 * Remembers every secret value resolved in a run and masks it in any text before the text leaves hakit.
 */
export class SecretMasker {
  private readonly values = new Set<string>();
  static readonly MASK = '********';

  /**
   * Registers a secret. A value with surrounding white space is also masked trimmed, and a multi-line value
   * (a key, a certificate) line by line too, so a fragment of it in an error message is masked as well.
   */
  add(value: string): void {
    const remember = (v: string, min: number) => {
      if (v.length >= min) this.values.add(v);
    };
    remember(value, 3);
    remember(value.trim(), 3);
    if (value.includes('\n')) for (const line of value.split(/\r?\n/)) remember(line.trim(), 8);
  }

  mask(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is masked whole.
    for (const v of [...this.values].sort((a, b) => b.length - a.length)) {
      out = out.split(v).join(SecretMasker.MASK);
    }
    return out;
  }

  get size(): number {
    return this.values.size;
  }
}
