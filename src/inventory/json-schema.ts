import { z } from 'zod';
import { inventorySchema } from '../components/inventory-schema.js';

export const SCHEMA_ID = 'https://hakit.dev/schema/inventory.json';

/** The JSON Schema (draft 2020-12) of an inventory file, generated from the zod model. */
export function inventoryJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(inventorySchema, {
    io: 'input',
    target: 'draft-2020-12',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return { ...schema, $id: SCHEMA_ID, title: 'hakit inventory' };
}
