import { type Command, Option } from 'commander';
import { formatDiagnostic, ValidationError } from '../../errors/index.js';
import { loadInventory } from '../../inventory/index.js';
import { colorWanted, makeStyle, type Style } from '../../output/format.js';
import { renderNodeFiles } from '../../state/render-files.js';
import { summarize, validateFiles } from '../../validate/run.js';
import type { ValidationResult } from '../../validate/types.js';

export interface CheckCommandOptions {
  inventory: string;
  strict?: boolean;
  output?: 'text' | 'json';
}

function statusLabel(r: ValidationResult, style: Style): string {
  switch (r.status) {
    case 'passed':
      return style.green('passed');
    case 'failed':
      return style.red('FAILED');
    case 'partial':
      return style.yellow('partial');
    case 'skipped':
      return style.yellow('skipped (not installed)');
    case 'none':
      return style.dim('no validator');
  }
}

/**
 * Validates the inventory, renders every file (secrets masked) and runs each through its real validator.
 * Opens no network connection: validators run in private network namespaces. Throws InputError (exit 2) for a
 * bad inventory and ValidationError (exit 5) when a validator rejects a file.
 */
export async function checkCommand(opts: CheckCommandOptions): Promise<ValidationResult[]> {
  const loaded = await loadInventory(opts.inventory, { strict: opts.strict ?? false });
  const json = opts.output === 'json';
  const files = renderNodeFiles(loaded, { secrets: 'mask' });
  const results = await validateFiles(files, loaded.inventory);
  const counts = summarize(results);
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ inventory: opts.inventory, warnings: loaded.warnings, results, summary: counts }, null, 2)}\n`,
    );
  } else {
    for (const w of loaded.warnings) process.stderr.write(`${formatDiagnostic(w)}\n`);
    const style = makeStyle(colorWanted(process.stdout));
    const wNode = Math.max(4, ...results.map((r) => r.node.length));
    const wPath = Math.max(4, ...results.map((r) => r.path.length));
    const wVal = Math.max(9, ...results.map((r) => r.validator.length));
    const out: string[] = [
      style.bold(`${'NODE'.padEnd(wNode)}  ${'FILE'.padEnd(wPath)}  ${'VALIDATOR'.padEnd(wVal)}  RESULT`),
    ];
    for (const r of results) {
      out.push(
        `${r.node.padEnd(wNode)}  ${r.path.padEnd(wPath)}  ${r.validator.padEnd(wVal)}  ${statusLabel(r, style)}`,
      );
      if (r.message && (r.status === 'failed' || r.status === 'partial' || r.status === 'skipped'))
        for (const line of r.message.split('\n'))
          out.push(`    ${r.status === 'failed' ? style.red(line) : line}`);
    }
    const isolated = results.some((r) => r.detail?.startsWith('in a'));
    out.push(
      '',
      `${results.length} files on ${new Set(results.map((r) => r.node)).size} nodes: ${counts.passed} passed, ${counts.failed} failed, ${counts.partial} partial, ${counts.skipped} skipped, ${counts.none} without validator` +
        (loaded.warnings.length
          ? `; ${loaded.warnings.length} inventory warning${loaded.warnings.length === 1 ? '' : 's'}`
          : ''),
      isolated
        ? style.dim(
            "validators ran in private network namespaces holding each node's addresses (no network access)",
          )
        : style.dim('validators ran without network isolation (no namespaces available here)'),
    );
    process.stdout.write(`${out.join('\n')}\n`);
  }
  if (counts.failed > 0) {
    const failed = results.filter((r) => r.status === 'failed');
    throw new ValidationError(
      `${failed.length} file${failed.length === 1 ? '' : 's'} failed validation: ${failed.map((r) => `${r.node}:${r.path} (${r.validator})`).join(', ')}`,
    );
  }
  return results;
}

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description(
      'Validate the inventory, render every file and run it through its real validator (no host is contacted)',
    )
    .requiredOption('-i, --inventory <file>', 'inventory file')
    .option('--strict', 'inventory warnings are errors')
    .addOption(new Option('--output <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (o: { inventory: string; strict?: boolean; output: 'text' | 'json' }) => {
      await checkCommand({ inventory: o.inventory, output: o.output, ...(o.strict ? { strict: true } : {}) });
    });
}
