import type { Command } from 'commander';
import { inventoryJsonSchema } from '../../inventory/index.js';

export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description('Print the JSON Schema of inventory files (generated from the typed model)')
    .action(() => {
      process.stdout.write(`${JSON.stringify(inventoryJsonSchema(), null, 2)}\n`);
    });
}
