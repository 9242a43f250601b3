import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/**
 * Templates precompiled at build time (`npm run build` writes dist/templates.precompiled.json): compiling the
 * config templates costs a run about 0.2 s of CPU, loading their precompiled form a few ms. An entry is used
 * only when the template's bytes and the compile options are the ones it was made from (sha256), so an edited
 * template is compiled afresh.
 */
export const PRECOMPILED_FILE = 'templates.precompiled.json';

const entrySchema = z.object({ sha256: z.string(), spec: z.string() });
export type PrecompiledEntry = z.infer<typeof entrySchema>;
const fileSchema = z.object({ handlebars: z.string(), templates: z.record(z.string(), entrySchema) });
export type PrecompiledFile = z.infer<typeof fileSchema>;

/** The key of a template's source and options (what the precompiled spec depends on). */
export function precompileKey(source: string, xml: boolean): string {
  return createHash('sha256')
    .update(xml ? 'xml\0' : 'text\0')
    .update(source)
    .digest('hex');
}

/**
 * Where the build put the file: dist/, found upwards from this module (dist/src/render/ when the compiled modules
 * run, dist/bundle/ when the bundle does); a path that does not exist when there is none.
 */
export function precompiledPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 3; i++) {
    const candidate = join(dir, PRECOMPILED_FILE);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', PRECOMPILED_FILE);
}

/** The precompiled templates for this Handlebars version, or an empty map (no file, another version, unreadable). */
export function loadPrecompiled(
  handlebarsVersion: string,
  path = precompiledPath(),
): Map<string, PrecompiledEntry> {
  if (!existsSync(path)) return new Map();
  try {
    const f = fileSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
    if (f.handlebars !== handlebarsVersion) return new Map();
    return new Map(Object.entries(f.templates));
  } catch {
    return new Map();
  }
}
