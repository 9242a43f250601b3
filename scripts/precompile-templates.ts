/**
 * Build step: precompiles templates/*.hbs into dist/templates.precompiled.json (see src/render/precompiled.ts).
 * Run by `npm run build` after tsc; a missing or stale file only makes runs compile the templates themselves.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileOptions, createHandlebars } from '../src/render/handlebars-env.js';
import { type PrecompiledFile, precompiledPath, precompileKey } from '../src/render/precompiled.js';
import { templatesDir } from '../src/render/template-set.js';

export function precompileTemplates(dir = templatesDir()): PrecompiledFile {
  const hb = createHandlebars();
  const templates: PrecompiledFile['templates'] = {};
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith('.hbs'))
    .sort()) {
    const source = readFileSync(join(dir, name), 'utf8');
    const xml = name.endsWith('.xml.hbs');
    templates[name] = {
      sha256: precompileKey(source, xml),
      spec: String(hb.precompile(source, compileOptions({ xml }))),
    };
  }
  return { handlebars: hb.VERSION, templates };
}

if (process.argv[1]?.endsWith('precompile-templates.js')) {
  const out = precompiledPath();
  const file = precompileTemplates();
  writeFileSync(out, `${JSON.stringify(file)}\n`);
  process.stdout.write(`precompiled ${Object.keys(file.templates).length} templates → ${out}\n`);
}
