import { Command, CommanderError } from 'commander';
import { formatDiagnostic, HakitError, InputError } from '../errors/index.js';
import { registerCommands } from './commands/index.js';

/** Runs the CLI; resolves to the process exit code. Never calls process.exit itself. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command();
  program
    .name('hakit')
    .description('Build Linux high-availability clusters over SSH, then prove they fail over.')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });
  registerCommands(program);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    return reportError(err);
  }
}

export function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
    return 2;
  }
  if (err instanceof InputError) {
    for (const d of err.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
    process.stderr.write(`hakit: ${err.message}\n`);
    return err.exitCode;
  }
  if (err instanceof HakitError) {
    process.stderr.write(`hakit: ${err.message}\n`);
    return err.exitCode;
  }
  process.stderr.write(
    `hakit: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  return 1;
}
