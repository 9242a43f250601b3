import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { precompileTemplates } from '../../scripts/precompile-templates.js';
import { loadInventory } from '../../src/inventory/load.js';
import { createHandlebars } from '../../src/render/handlebars-env.js';
import { loadPrecompiled, precompileKey } from '../../src/render/precompiled.js';
import { TemplateSet, templatesDir } from '../../src/render/template-set.js';
import { renderNodeFiles } from '../../src/state/render-files.js';

const INVENTORIES = ['sandbox', 'staging.example', 'production.example'];

describe('templates precompiled by the build', () => {
  it('render byte for byte what compiling them renders, for every inventory (XML escaping and strict lookups kept)', async () => {
    const file = precompileTemplates();
    const pre = new Map(Object.entries(file.templates));
    expect([...pre.keys()]).toContain('cib.xml.hbs');
    for (const name of INVENTORIES) {
      const loaded = await loadInventory(join('inventories', `${name}.yaml`));
      const compiled = renderNodeFiles(
        loaded,
        { secrets: 'mask' },
        new TemplateSet(undefined, undefined, new Map()),
      );
      const loadedPre = renderNodeFiles(
        loaded,
        { secrets: 'mask' },
        new TemplateSet(undefined, undefined, pre),
      );
      expect(loadedPre.map((f) => [f.node, f.path, f.content])).toEqual(
        compiled.map((f) => [f.node, f.path, f.content]),
      );
    }
    const set = new TemplateSet(undefined, undefined, pre);
    // strict: a missing field still fails loudly; xml: values are escaped.
    expect(() => set.get('hosts-block.hbs')({})).toThrow();
    const xml = set.get('cib.xml.hbs');
    expect(() => xml({})).toThrow();
  });

  it('a precompiled entry made from other bytes is not used: the template is compiled afresh', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hakit-tpl-'));
    writeFileSync(join(dir, 'corosync.conf.hbs'), 'now {{x}}\n');
    const stale = new Map([
      ['corosync.conf.hbs', { sha256: precompileKey('before {{x}}\n', false), spec: 'not even javascript' }],
    ]);
    expect(new TemplateSet(undefined, dir, stale).get('corosync.conf.hbs')({ x: 1 })).toBe('now 1\n');
    const fresh = new Map([
      [
        'corosync.conf.hbs',
        {
          sha256: precompileKey('now {{x}}\n', false),
          spec: String(
            createHandlebars().precompile('precompiled {{x}}\n', { noEscape: true, strict: true }),
          ),
        },
      ],
    ]);
    // (the spec of another text proves which path was taken)
    expect(new TemplateSet(undefined, dir, fresh).get('corosync.conf.hbs')({ x: 1 })).toBe('precompiled 1\n');
  });

  it('the file is read only for the same Handlebars version; a missing or broken file gives no entries', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hakit-pre-'));
    const path = join(dir, 'p.json');
    const file = precompileTemplates(templatesDir());
    writeFileSync(path, JSON.stringify(file));
    expect(loadPrecompiled(file.handlebars, path).size).toBe(Object.keys(file.templates).length);
    expect(loadPrecompiled('0.0.0', path).size).toBe(0);
    writeFileSync(path, '{broken');
    expect(loadPrecompiled(file.handlebars, path).size).toBe(0);
    expect(loadPrecompiled(file.handlebars, join(dir, 'none.json')).size).toBe(0);
  });
});
