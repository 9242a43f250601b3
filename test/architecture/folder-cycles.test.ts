import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * No import cycles between the folders of src/ (type-only imports count too): each folder is one concept, and
 * the graph of folders is a DAG, so any folder can be read, tested and changed with what it depends on alone.
 */
const SRC = resolve(import.meta.dirname, '../../src');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Top-level folder of a file under src/ ('.' for files directly in src/). */
const folderOf = (p: string) => relative(SRC, dirname(p)).split('/')[0] || '.';

/** folder → folder → one example import (file → file). */
function folderGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of tsFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;'"]*?from\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = resolve(dirname(file), (m[1] as string).replace(/\.js$/, '.ts'));
      const a = folderOf(file);
      const b = folderOf(target);
      if (a === b) continue;
      const out = graph.get(a) ?? new Map<string, string>();
      graph.set(a, out);
      if (!out.has(b)) out.set(b, `${relative(SRC, file)} → ${relative(SRC, target)}`);
    }
  }
  return graph;
}

/** Every cycle, as the list of folders and the import that makes each step. */
function cycles(graph: Map<string, Map<string, string>>): string[] {
  const found: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (n: string) => {
    state.set(n, 'open');
    path.push(n);
    for (const next of graph.get(n)?.keys() ?? []) {
      if (state.get(next) === 'open') {
        const loop = [...path.slice(path.indexOf(next)), next];
        found.push(
          loop
            .slice(0, -1)
            .map((f, i) => `${f} → ${loop[i + 1]} (${graph.get(f)?.get(loop[i + 1] as string)})`)
            .join('\n  '),
        );
      } else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(n, 'done');
  };
  for (const n of graph.keys()) if (!state.has(n)) visit(n);
  return found;
}

describe('architecture', () => {
  it('src/ folders import each other without cycles', () => {
    const graph = folderGraph();
    expect(graph.size).toBeGreaterThan(10); // the scan sees the tree
    expect(graph.get('executor')?.has('ops')).toBe(true);
    const found = cycles(graph);
    expect(found, `import cycles between folders:\n  ${found.join('\n\n  ')}`).toEqual([]);
  });
});
