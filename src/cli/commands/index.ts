import type { Command } from 'commander';

/**
 * Each command lives in its own file and exports `register(program)`. Add one line per command here.
 */
export function registerCommands(_program: Command): void {
  // e.g. registerRender(program);
}
