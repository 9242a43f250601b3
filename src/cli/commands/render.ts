import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { formatDiagnostic } from '../../errors/index.js';
import { loadInventory } from '../../inventory/index.js';
import type { RenderedFile } from '../../render/types.js';
import { renderNodeFiles } from '../../state/render-files.js';

export interface RenderCommandOptions {
  inventory: string;
  outDir: string;
  node?: string[];
  strict?: boolean;
}

/** Where a rendered file goes under the output directory: DIR/NODE/<absolute path on the host>. */
export function outputPath(outDir: string, f: RenderedFile): string {
  return join(resolve(outDir), f.node, f.path);
}

export async function renderCommand(opts: RenderCommandOptions): Promise<RenderedFile[]> {
  const loaded = await loadInventory(opts.inventory, { strict: opts.strict ?? false });
  for (const w of loaded.warnings) process.stderr.write(`${formatDiagnostic(w)}\n`);
  const files = renderNodeFiles(loaded, {
    secrets: 'mask',
    ...(opts.node?.length ? { nodes: opts.node } : {}),
  });
  for (const f of files) {
    const p = outputPath(opts.outDir, f);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, f.content, { mode: f.mode });
    chmodSync(p, f.mode);
  }
  const nodes = new Set(files.map((f) => f.node));
  const width = Math.max(4, ...files.map((f) => f.node.length));
  for (const f of files) {
    const flags = [f.kind, ...(f.sensitive ? ['secrets masked'] : [])].join(', ');
    process.stdout.write(
      `${f.node.padEnd(width)}  ${f.mode.toString(8).padStart(4, '0')}  ${f.path}  (${flags})\n`,
    );
  }
  process.stdout.write(
    `rendered ${files.length} files for ${nodes.size} node${nodes.size === 1 ? '' : 's'} into ${resolve(opts.outDir)} (secrets masked)\n`,
  );
  return files;
}

export function registerRender(program: Command): void {
  program
    .command('render')
    .description('Render every configuration file of every node into a directory (secrets masked)')
    .requiredOption('-i, --inventory <file>', 'inventory file')
    .requiredOption('-o, --out <dir>', 'output directory: files go to DIR/NODE/<path on the host>')
    .option('-n, --node <name...>', 'only these nodes')
    .option('--strict', 'inventory warnings are errors')
    .action(async (o: { inventory: string; out: string; node?: string[]; strict?: boolean }) => {
      await renderCommand({
        inventory: o.inventory,
        outDir: o.out,
        ...(o.node ? { node: o.node } : {}),
        ...(o.strict ? { strict: true } : {}),
      });
    });
}
