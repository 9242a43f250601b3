import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { inventoryReference } from '../src/docs/inventory-reference.js';
import { inventoryJsonSchema } from '../src/inventory/index.js';

/** Writes docs/inventory.schema.json and docs/inventory.md from the zod model. */
export function generatedDocs(): Record<string, string> {
  const schema = inventoryJsonSchema();
  return {
    'docs/inventory.schema.json': `${JSON.stringify(schema, null, 2)}\n`,
    'docs/inventory.md': inventoryReference(schema),
  };
}

const invokedDirectly = process.argv[1] && resolve(process.argv[1]).includes('gen-docs');
if (invokedDirectly) {
  const root = resolve(process.argv[2] ?? '.');
  for (const [file, content] of Object.entries(generatedDocs())) {
    writeFileSync(resolve(root, file), content);
    process.stdout.write(`wrote ${file}\n`);
  }
}
