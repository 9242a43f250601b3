import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/index.js';
import { loadInventory } from '../../src/inventory/index.js';
import { malformedCases } from './malformed-cases.js';

const dir = join(import.meta.dirname, 'fixtures', 'malformed');

const cases = malformedCases;

describe('malformed inventories', () => {
  it('covers every fixture file', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(files.sort()).toEqual(cases.map((c) => c[0]).sort());
    expect(files.length).toBeGreaterThanOrEqual(25);
  });

  it.each(cases)('%s → %i:%i %s', async (file, line, column, path, fragment) => {
    const err = await loadInventory(join(dir, file)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InputError);
    const input = err as InputError;
    expect(input.exitCode).toBe(2);
    const hit = input.diagnostics.find((d) => d.path === path && d.message.includes(fragment));
    expect(
      hit,
      `diagnostics were:\n${input.diagnostics.map((d) => `${d.line}:${d.column} ${d.path}: ${d.message}`).join('\n')}`,
    ).toBeDefined();
    expect(hit!.file).toBe(join(dir, file));
    expect([hit!.line, hit!.column]).toEqual([line, column]);
    expect(hit!.severity).toBe('error');
  });
});
