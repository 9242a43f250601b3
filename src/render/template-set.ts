import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type CompiledTemplate,
  compileTemplate,
  createHandlebars,
  type HandlebarsEnv,
} from './handlebars-env.js';

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

/** Loads and compiles templates once per renderer. */
export class TemplateSet {
  private readonly cache = new Map<string, CompiledTemplate>();
  constructor(
    private readonly hb: HandlebarsEnv = createHandlebars(),
    private readonly dir: string = templatesDir(),
  ) {}

  get(name: string): CompiledTemplate {
    let t = this.cache.get(name);
    if (!t) {
      const source = readFileSync(join(this.dir, name), 'utf8');
      t = compileTemplate(this.hb, source, { xml: name.endsWith('.xml.hbs') });
      this.cache.set(name, t);
    }
    return t;
  }
}
