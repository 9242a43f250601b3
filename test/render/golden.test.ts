import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/inventory/load.js';
import { TemplateSet } from '../../src/render/template-set.js';
import { renderNodeFiles } from '../../src/state/render-files.js';

/**
 * Golden files: test/render/golden/<inventory>/<node>/<absolute path>. Any byte difference fails.
 * Regenerate after an intended template change with: UPDATE_GOLDEN=1 npx vitest run test/render/golden.test.ts
 */
const INVENTORIES = ['sandbox', 'staging.example', 'production.example', 'sandbox-keepalived'];
const GOLDEN = join(import.meta.dirname, 'golden');
const update = process.env.UPDATE_GOLDEN === '1';

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((p) => statSync(join(dir, p)).isFile())
    .sort();
}

describe.each(INVENTORIES)('golden files for inventories/%s.yaml', (name) => {
  it('renders exactly the golden files, byte for byte', async () => {
    const loaded = await loadInventory(join('inventories', `${name}.yaml`));
    const files = renderNodeFiles(loaded, { secrets: 'mask' });
    const root = join(GOLDEN, name);
    if (update) {
      rmSync(root, { recursive: true, force: true });
      for (const f of files) {
        const p = join(root, f.node, f.path);
        mkdirSync(dirname(p), { recursive: true });
        writeFileSync(p, f.content);
      }
    }
    const expected = listFiles(root);
    const actual = files.map((f) => relative(root, join(root, f.node, f.path))).sort();
    expect(actual).toEqual(expected);
    for (const f of files) {
      const golden = readFileSync(join(root, f.node, f.path), 'utf8');
      expect(f.content, `${name}/${f.node}${f.path}`).toBe(golden);
    }
  });

  it('is deterministic: two independent renders give the same files in the same order', async () => {
    const a = renderNodeFiles(
      await loadInventory(join('inventories', `${name}.yaml`)),
      { secrets: 'mask' },
      new TemplateSet(),
    );
    const b = renderNodeFiles(
      await loadInventory(join('inventories', `${name}.yaml`)),
      { secrets: 'mask' },
      new TemplateSet(),
    );
    expect(b).toEqual(a);
  });
});
