import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type CompiledTemplate,
  compileTemplate,
  createHandlebars,
  type HandlebarsEnv,
  wrapTemplate,
} from './handlebars-env.js';
import { loadPrecompiled, type PrecompiledEntry, precompileKey } from './precompiled.js';

/** The templates/ folder of the hakit installation (found upwards from this module: works from src/ and dist/). */
export function templatesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'templates');
    if (existsSync(join(candidate, 'corosync.conf.hbs'))) return candidate;
    dir = resolve(dir, '..');
  }
  throw new Error('hakit templates/ folder not found next to the installation');
}

/**
 * Loads and compiles templates once per renderer. A template whose precompiled form (made by the build from the
 * same bytes, see precompiled.ts) is at hand is loaded from it instead of compiled.
 */
export class TemplateSet {
  private readonly cache = new Map<string, CompiledTemplate>();
  private readonly precompiled: Map<string, PrecompiledEntry>;
  constructor(
    private readonly hb: HandlebarsEnv = createHandlebars(),
    private readonly dir: string = templatesDir(),
    precompiled?: Map<string, PrecompiledEntry>,
  ) {
    this.precompiled = precompiled ?? loadPrecompiled(hb.VERSION);
  }

  get(name: string): CompiledTemplate {
    let t = this.cache.get(name);
    if (!t) {
      const source = readFileSync(join(this.dir, name), 'utf8');
      const xml = name.endsWith('.xml.hbs');
      const pre = this.precompiled.get(name);
      t =
        pre && pre.sha256 === precompileKey(source, xml)
          ? wrapTemplate(this.hb.template(new Function(`return ${pre.spec}`)()))
          : compileTemplate(this.hb, source, { xml });
      this.cache.set(name, t);
    }
    return t;
  }
}
