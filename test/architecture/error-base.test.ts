import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Errors have one base class: every error class declared under src/ extends HakitError (or one of its subclasses). */
const SRC = resolve(import.meta.dirname, '../../src');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('architecture', () => {
  it('every error class in src/ descends from HakitError', () => {
    const classes = new Map<string, { base: string; where: string }>();
    for (const file of tsFiles(SRC)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bclass\s+(\w+)\s+extends\s+(\w+)/g))
        classes.set(m[1] as string, { base: m[2] as string, where: relative(SRC, file) });
    }
    expect(classes.get('HakitError')?.base).toBe('Error');
    const descends = (name: string, seen = new Set<string>()): boolean => {
      if (name === 'HakitError') return true;
      const c = classes.get(name);
      if (!c || seen.has(name)) return false;
      seen.add(name);
      return descends(c.base, seen);
    };
    const errorLike = [...classes].filter(
      ([name, c]) => /Error$|Problem$|Failure$/.test(name) || c.base === 'Error',
    );
    expect(errorLike.length).toBeGreaterThan(10);
    const stray = errorLike
      .filter(([name]) => name !== 'HakitError' && !descends(name))
      .map(([name, c]) => `${name} extends ${c.base} (${c.where})`);
    expect(stray, `error classes outside the HakitError hierarchy:\n${stray.join('\n')}`).toEqual([]);
  });
});
