import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { HakitError } from '../errors/index.js';
import type { SecretRef } from '../model/index.js';

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
