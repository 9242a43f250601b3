import type { Command } from 'commander';
import { registerSchema } from './schema.js';
import { registerRender } from './render.js';
import { registerCheck } from './check.js';
import { registerSandbox } from './sandbox.js';

/**
 * Each command lives in its own file and exports `registerX(program)`. Add one line per command here.
 */
export function registerCommands(program: Command): void {
  registerSchema(program);
  registerRender(program);
  registerCheck(program);
  registerSandbox(program);
}
