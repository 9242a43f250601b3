import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, InputError } from '../../src/errors/index.js';
import { tagsSelected } from '../../src/playbook/hosts.js';
import { loadPlaybook, parsePlaybook } from '../../src/playbook/load.js';
import { catalog } from '../executor/support/memory.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'import');
const fx = (name: string) => join(dir, name);

async function rejection(name: string): Promise<{ message: string; errs: string[] }> {
  try {
    await loadPlaybook(fx(name), catalog());
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).exitCode).toBe(2);
    return { message: (err as Error).message, errs: (err as InputError).diagnostics.map(formatDiagnostic) };
  }
  throw new Error(`expected ${name} to be rejected`);
}

describe('import_playbook', () => {
  it('inserts imported plays in place, in order, through nested imports', async () => {
    const pb = await loadPlaybook(fx('site.yaml'), catalog());
    expect(pb.file).toBe(fx('site.yaml'));
    expect(pb.plays.map((p) => p.name)).toEqual(['first', 'corosync', 'pacemaker', 'last']);
  });

  it('adds the tags of every enclosing import to the plays and their tasks, not to handlers', async () => {
    const [first, corosync, pacemaker, last] = (await loadPlaybook(fx('site.yaml'), catalog())).plays;
    expect(corosync!.tags).toEqual(['cluster', 'corosync', 'membership']);
    expect(corosync!.tasks[0]!.tags).toEqual(['cluster', 'corosync', 'membership', 'conf']);
    expect(corosync!.handlers[0]!.tags).toEqual([]);
    expect(pacemaker!.tags).toEqual(['cluster']);
    expect(pacemaker!.tasks[0]!.tags).toEqual(['cluster']);
    expect(first!.tasks[0]!.tags).toEqual([]);
    expect(last!.tags).toEqual([]);
    // --tags corosync selects exactly the tasks of the imported corosync.yaml.
    const selected = [first, corosync, pacemaker, last].flatMap((p) =>
      p!.tasks.filter((t) => tagsSelected(t.tags, ['corosync'], [])).map((t) => t.name),
    );
    expect(selected).toEqual(['corosync.conf']);
  });

  it('keeps each play and task positioned in the file it was written in', async () => {
    const [first, corosync, pacemaker] = (await loadPlaybook(fx('site.yaml'), catalog())).plays;
    expect(first!.where).toMatchObject({ file: fx('site.yaml'), line: 2, path: '[0]' });
    expect(corosync!.where).toMatchObject({ file: fx('nested/corosync.yaml'), line: 1, path: '[0]' });
    expect(corosync!.tasks[0]!.where).toMatchObject({
      file: fx('nested/corosync.yaml'),
      line: 5,
      path: '[0].tasks[0]',
    });
    expect(corosync!.handlers[0]!.where.file).toBe(fx('nested/corosync.yaml'));
    expect(pacemaker!.tasks[0]!.where).toMatchObject({ file: fx('pacemaker.yaml'), line: 4 });
  });

  it('reports a missing imported file at the import_playbook value, naming the resolved path', async () => {
    const { errs } = await rejection('missing.yaml');
    expect(errs).toEqual([
      `${fx('missing.yaml')}:3:20: error: [1].import_playbook: cannot read imported playbook ${fx('does-not-exist.yaml')}: ENOENT`,
    ]);
  });

  it('reports an import cycle with the chain of files', async () => {
    const { message, errs } = await rejection('cycle.yaml');
    expect(errs).toEqual([
      `${fx('cycle-b.yaml')}:1:20: error: [0].import_playbook: import cycle: cycle-a.yaml → cycle-b.yaml → cycle-a.yaml`,
    ]);
    expect(message).toContain(`imported from ${fx('cycle-a.yaml')}:3:20 ← ${fx('cycle.yaml')}:1:20`);
  });

  it('positions an error inside an imported file in that file, and says where it was imported', async () => {
    const { message, errs } = await rejection('bad-outer.yaml');
    expect(errs).toEqual([
      `${fx('bad-inner.yaml')}:5:7: error: [0].tasks[0].wen: unknown key or operation "wen" — did you mean "when"?`,
    ]);
    expect(message).toBe(
      `playbook ${fx('bad-inner.yaml')}: 1 error (imported from ${fx('bad-outer.yaml')}:1:20)`,
    );
  });

  it('rejects an unknown key in an import item, with a suggestion', async () => {
    const { errs } = await rejection('bad-item.yaml');
    expect(errs).toEqual([
      `${fx('bad-item.yaml')}:4:3: error: [1].tag: unknown key "tag" — did you mean "tags"?`,
    ]);
  });

  it('suggests import_playbook for a misspelt import', () => {
    try {
      parsePlaybook('/p/site.yaml', '- import_playbok: x.yaml\n', catalog());
      expect.unreachable();
    } catch (err) {
      const errs = (err as InputError).diagnostics.map(formatDiagnostic);
      expect(errs).toContain(
        '/p/site.yaml:1:3: error: [0].import_playbok: unknown key "import_playbok" — did you mean "import_playbook"?',
      );
    }
  });

  it('parsePlaybook (one file, no disk) rejects imports and still parses plain playbooks', () => {
    expect(() => parsePlaybook('/p/site.yaml', '- import_playbook: x.yaml\n', catalog())).toThrow(
      /import_playbook needs loadPlaybook/,
    );
    expect(parsePlaybook('/p/site.yaml', '- hosts: all\n', catalog()).plays).toHaveLength(1);
  });
});
