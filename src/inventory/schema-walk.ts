import type { z } from 'zod';
import type { PathKey } from '../model/index.js';

type AnySchema = z.core.$ZodType;

function def(schema: AnySchema): { type: string; [k: string]: unknown } {
  return (schema as unknown as { _zod: { def: { type: string } } })._zod.def;
}

/** Strips optional/default/prefault/nullable/pipe wrappers. */
function unwrap(schema: AnySchema): AnySchema {
  let cur = schema;
  for (let i = 0; i < 20; i++) {
    const d = def(cur);
    if (['optional', 'default', 'prefault', 'nullable', 'readonly', 'catch', 'nonoptional'].includes(d.type))
      cur = d.innerType as AnySchema;
    else if (d.type === 'pipe') cur = d.in as AnySchema;
    else break;
  }
  return cur;
}

/** Candidate schemas at `path`, following the data to pick union branches. */
export function schemasAt(root: AnySchema, path: readonly PathKey[], data: unknown): AnySchema[] {
  let current: Array<{ schema: AnySchema; data: unknown }> = [{ schema: root, data }];
  for (const key of path) {
    const next: Array<{ schema: AnySchema; data: unknown }> = [];
    for (const c of current) {
      for (const s of expandUnion(unwrap(c.schema), c.data)) {
        const d = def(s);
        const childData =
          c.data && typeof c.data === 'object'
            ? (c.data as Record<string, unknown>)[key as string]
            : undefined;
        if (d.type === 'object') {
          const shape = d.shape as Record<string, AnySchema>;
          if (typeof key === 'string' && shape[key]) next.push({ schema: shape[key], data: childData });
        } else if (d.type === 'array' && typeof key === 'number') {
          next.push({ schema: d.element as AnySchema, data: childData });
        } else if (d.type === 'record') {
          next.push({ schema: d.valueType as AnySchema, data: childData });
        }
      }
    }
    current = next;
  }
  return current.flatMap((c) => expandUnion(unwrap(c.schema), c.data));
}

function expandUnion(schema: AnySchema, data: unknown): AnySchema[] {
  const d = def(schema);
  if (d.type !== 'union') return [schema];
  const options = (d.options as AnySchema[]).map(unwrap);
  const discriminator = d.discriminator as string | undefined;
  if (discriminator && data && typeof data === 'object') {
    const v = (data as Record<string, unknown>)[discriminator];
    const match = options.filter((o) => {
      const od = def(o);
      if (od.type !== 'object') return false;
      const lit = (od.shape as Record<string, AnySchema>)[discriminator];
      const ld = lit ? def(unwrap(lit)) : undefined;
      return ld?.type === 'literal' && (ld.values as unknown[]).includes(v);
    });
    if (match.length) return match;
  }
  const objects = options.filter((o) => def(o).type === 'object');
  if (data && typeof data === 'object' && !Array.isArray(data) && objects.length) return objects;
  return options;
}

/** Keys an object schema allows at `path`. */
export function allowedKeysAt(root: AnySchema, path: readonly PathKey[], data: unknown): string[] {
  const keys = new Set<string>();
  for (const s of schemasAt(root, path, data)) {
    const d = def(s);
    if (d.type === 'object') for (const k of Object.keys(d.shape as object)) keys.add(k);
  }
  return [...keys];
}
