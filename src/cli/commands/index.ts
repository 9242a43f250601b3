import type { Command } from 'commander';
import { registerBootstrap } from './bootstrap.js';
import { registerCheck } from './check.js';
import { registerGalera } from './galera.js';
import { registerRender } from './render.js';
import { registerRun } from './run.js';
import { registerSandbox } from './sandbox.js';
import { registerSchema } from './schema.js';
import { registerVerify } from './verify.js';

/**
 * Each command lives in its own file and exports `registerX(program)`. Add one line per command here.
 */
export function registerCommands(program: Command): void {
  registerSchema(program);
  registerSandbox(program);
  registerRun(program);
  registerBootstrap(program);
  registerRender(program);
  registerCheck(program);
  registerVerify(program);
  registerGalera(program);
}
