import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generatedDocs } from '../../scripts/gen-docs.js';
import { inventoryJsonSchema } from '../../src/inventory/index.js';

const root = join(import.meta.dirname, '..', '..');
const examples = ['sandbox.yaml', 'staging.example.yaml', 'production.example.yaml'];

function validator() {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  return ajv.compile(inventoryJsonSchema());
}

describe('inventory JSON Schema', () => {
  const validate = validator();

  it.each(examples)('accepts inventories/%s', (file) => {
    const data = parse(readFileSync(join(root, 'inventories', file), 'utf8'));
    const ok = validate(data);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it.each(examples)('inventories/%s points editors at the schema', (file) => {
    const first = readFileSync(join(root, 'inventories', file), 'utf8').split('\n', 1)[0];
    expect(first).toBe('# yaml-language-server: $schema=../docs/inventory.schema.json');
  });

  it('rejects an unknown key and a plaintext secret, like the loader', () => {
    const data = parse(readFileSync(join(root, 'inventories', 'sandbox.yaml'), 'utf8'));
    data.cluster.tokn = 1;
    expect(validate(data)).toBe(false);
    delete data.cluster.tokn;
    data.galera.check_password = 'hunter2';
    expect(validate(data)).toBe(false);
    expect(JSON.stringify(validate.errors)).toContain('check_password');
  });
});

describe('generated docs', () => {
  it.each(Object.entries(generatedDocs()))('%s is up to date (run `npm run docs`)', (file, content) => {
    expect(readFileSync(join(root, file), 'utf8')).toBe(content);
  });

  it('documents every top-level section and marks secrets', () => {
    const md = generatedDocs()['docs/inventory.md']!;
    for (const section of [
      'cluster',
      'nodes[]',
      'host_prep',
      'pacemaker',
      'haproxy',
      'galera',
      'drbd',
      'keepalived',
    ])
      expect(md).toContain(`## \`${section}\``);
    expect(md).toMatch(/\| `hacluster_password` \| \*secret\* \|/);
  });
});
