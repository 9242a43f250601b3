import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { batchFactCommand, FactError, facts, getFact, parseFactBatch } from '../../src/facts/index.js';
import { type FactRequest, factKey } from '../../src/ops/types.js';

/** Runs a batch with the machine's POSIX sh (dash on Debian), like sshd would. */
function runSh(script: string): string {
  const r = spawnSync('sh', ['-c', script], { encoding: 'utf8' });
  expect(r.error).toBeUndefined();
  return r.stdout;
}

describe('batchFactCommand / parseFactBatch (run by the local sh)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hakit-facts-'));
    writeFileSync(join(dir, 'app.conf'), 'listen = 80\n# BEGIN X\nmanaged\n# END X\n', { mode: 0o640 });
    mkdirSync(join(dir, 'sub'), { mode: 0o750 });
    symlinkSync('app.conf', join(dir, 'link'));
    facts.test_exit = {
      name: 'test_exit',
      // `(exit 3)`, not `exit 3`: snippets share the batch's shell (brace groups), see Fact.command.
      command: () => "echo '@@HAKIT-0123456789abcdef-0-END 0@@'; echo 'tail'; (exit 3)",
      parse: (stdout: string, exitCode: number) => ({ stdout, exitCode }),
      schema: z.object({ stdout: z.string(), exitCode: z.number() }),
    };
    facts.test_broken = {
      name: 'test_broken',
      command: () => 'echo SECRET-CONTENT-42',
      parse: () => {
        throw new Error('expected a number');
      },
      schema: z.number(),
    };
    facts.test_wrong_type = {
      name: 'test_wrong_type',
      command: () => 'echo 1',
      parse: () => 'one',
      schema: z.number(),
    };
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    delete facts.test_exit;
    delete facts.test_broken;
    delete facts.test_wrong_type;
  });

  it('gathers several facts in one script and parses each with its schema', () => {
    const reqs: FactRequest[] = [
      { fact: 'file', args: { path: join(dir, 'app.conf') } },
      { fact: 'file', args: { path: join(dir, 'sub') } },
      { fact: 'file', args: { path: join(dir, 'link') } },
      { fact: 'file', args: { path: join(dir, 'missing') } },
      { fact: 'file_content', args: { path: join(dir, 'app.conf') } },
      { fact: 'path_exists', args: { path: join(dir, 'sub') } },
      { fact: 'block_in_file', args: { path: join(dir, 'app.conf'), begin: '# BEGIN X', end: '# END X' } },
      { fact: 'os' },
      { fact: 'file', args: { path: join(dir, 'app.conf') } }, // duplicate: gathered once
    ];
    const script = batchFactCommand(reqs);
    // The four `file` requests share one section (Fact.many): 5 sections for 8 distinct requests.
    expect(script.match(/-BEGIN@@/g)).toHaveLength(5);
    const values = parseFactBatch(reqs, runSh(script));
    expect(values.size).toBe(8);
    const content = 'listen = 80\n# BEGIN X\nmanaged\n# END X\n';
    expect(values.get(factKey(reqs[0]!))).toMatchObject({
      exists: true,
      type: 'file',
      mode: '0640',
      size: content.length,
      sha256: createHash('sha256').update(content).digest('hex'),
    });
    expect(values.get(factKey(reqs[1]!))).toMatchObject({ type: 'directory', mode: '0750' });
    expect(values.get(factKey(reqs[2]!))).toMatchObject({ type: 'link', target: 'app.conf' });
    expect(values.get(factKey(reqs[3]!))).toEqual({ exists: false });
    expect(values.get(factKey(reqs[4]!))).toEqual({ exists: true, content, tooLarge: false });
    expect(values.get(factKey(reqs[5]!))).toBe(true);
    expect(values.get(factKey(reqs[6]!))).toEqual({ fileExists: true, found: true, block: 'managed' });
    expect(values.get('os')).toMatchObject({ family: expect.any(String), id: expect.any(String) });
  });

  it("carries each snippet's exit code; a forged marker does not disturb the others", () => {
    const reqs: FactRequest[] = [{ fact: 'test_exit' }, { fact: 'path_exists', args: { path: dir } }];
    const values = parseFactBatch(reqs, runSh(batchFactCommand(reqs)));
    expect(values.get('test_exit')).toEqual({
      stdout: '@@HAKIT-0123456789abcdef-0-END 0@@\ntail\n',
      exitCode: 3,
    });
    expect(values.get(factKey(reqs[1]!))).toBe(true);
  });

  it('a parse problem is a FactError naming the fact, without the output', () => {
    const reqs: FactRequest[] = [{ fact: 'test_broken' }];
    const out = runSh(batchFactCommand(reqs));
    let err: unknown;
    try {
      parseFactBatch(reqs, out);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FactError);
    expect((err as FactError).message).toBe(
      'fact test_broken: cannot parse output (exit 0): expected a number',
    );
    expect((err as FactError).message).not.toContain('SECRET');
    expect((err as FactError).exitCode).toBe(4);
  });

  it('a value failing its schema is a FactError', () => {
    const reqs: FactRequest[] = [{ fact: 'test_wrong_type' }];
    expect(() => parseFactBatch(reqs, runSh(batchFactCommand(reqs)))).toThrow(
      /fact test_wrong_type: parsed value does not match its schema/,
    );
  });

  it('output cut short is a FactError for the missing fact', () => {
    const reqs: FactRequest[] = [{ fact: 'os' }, { fact: 'path_exists', args: { path: dir } }];
    const out = runSh(batchFactCommand(reqs));
    const cut = out.slice(0, out.lastIndexOf('-BEGIN@@') + 9);
    expect(() => parseFactBatch(reqs, cut)).toThrow(/fact path_exists: no output/);
  });

  it('unknown facts and invalid arguments are rejected before anything runs', () => {
    expect(() => getFact('nope')).toThrow(FactError);
    expect(() => batchFactCommand([{ fact: 'nope' }])).toThrow(/fact nope: unknown fact/);
    expect(() => batchFactCommand([{ fact: 'file', args: { path: 'relative' } }])).toThrow(
      /fact file: invalid arguments: path: must be an absolute path/,
    );
    expect(() => batchFactCommand([{ fact: 'os', args: { x: 1 } }])).toThrow(/takes no arguments/);
    expect(() => batchFactCommand([{ fact: 'packages', args: { names: ['$(reboot)'] } }])).toThrow(
      /not a valid package name/,
    );
  });

  it('quotes hostile-looking (but valid) paths safely', () => {
    const weird = join(dir, "it's a $(file) `x`;");
    writeFileSync(weird, 'ok\n');
    const reqs: FactRequest[] = [{ fact: 'file_content', args: { path: weird } }];
    expect(parseFactBatch(reqs, runSh(batchFactCommand(reqs))).get(factKey(reqs[0]!))).toMatchObject({
      content: 'ok\n',
    });
  });
});
