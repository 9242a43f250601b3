import type { SecretMasker } from '../model/index.js';

/** Masks every string inside a JSON-like value (returns a copy; Buffers are left out). */
export function maskDeep<T>(masker: SecretMasker, value: T): T {
  if (typeof value === 'string') return masker.mask(value) as T;
  if (Array.isArray(value)) return value.map((v) => maskDeep(masker, v)) as T;
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = maskDeep(masker, v);
    return out as T;
  }
  return value;
}
