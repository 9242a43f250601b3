import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, InputError } from '../../src/errors/index.js';
import { loadPlaybook, parsePlaybook } from '../../src/playbook/load.js';
import { catalog } from '../executor/support/memory.js';

function errorsOf(yaml: string): string[] {
  try {
    parsePlaybook('/p/site.yaml', yaml, catalog());
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).exitCode).toBe(2);
    return (err as InputError).diagnostics.map(formatDiagnostic);
  }
  throw new Error('expected the playbook to be rejected');
}

describe('playbook loader', () => {
  it('parses plays, tasks, handlers and normalises lists', () => {
    const pb = parsePlaybook(
      '/p/site.yaml',
      `
- name: prep
  hosts: n1, role:haproxy
  serial: [1, "50%"]
  tags: base
  become: true
  vars: {a: 1}
  tasks:
    - name: write
      kv: {key: a, value: b}
      notify: h
      tags: [x]
      when: "a == 1"
    - meta: flush_handlers
  handlers:
    - name: h
      listen: [other]
      cmd: {run: "echo"}
`,
      catalog(),
    );
    const play = pb.plays[0]!;
    expect(play.hosts).toEqual(['n1', 'role:haproxy']);
    expect(play.serial).toEqual([1, '50%']);
    expect(play.become).toBe(true);
    expect(play.tasks[0]).toMatchObject({
      name: 'write',
      op: 'kv',
      notify: ['h'],
      tags: ['base', 'x'],
      when: ['a == 1'],
    });
    expect(play.tasks[0]!.where).toMatchObject({ file: '/p/site.yaml', line: 9, path: '[0].tasks[0]' });
    expect(play.tasks[1]).toMatchObject({ op: 'meta', args: 'flush_handlers' });
    expect(play.handlers[0]).toMatchObject({ name: 'h', listen: ['other'] });
  });

  it('rejects an unknown task key with file:line:column and a suggestion', () => {
    const errs = errorsOf(`
- hosts: all
  tasks:
    - name: t
      kv: {key: a, value: b}
      wen: "a == 1"
`);
    expect(errs).toEqual([
      '/p/site.yaml:6:7: error: [0].tasks[0].wen: unknown key or operation "wen" — did you mean "when"?',
    ]);
  });

  it('rejects an unknown play key with a suggestion', () => {
    const errs = errorsOf('- hosts: all\n  tsks: []\n');
    expect(errs).toEqual(['/p/site.yaml:2:3: error: [0].tsks: unknown key "tsks" — did you mean "tasks"?']);
  });

  it('rejects a misspelt operation, a missing operation and two operations', () => {
    const errs = errorsOf(`
- hosts: all
  tasks:
    - kvv: {key: a, value: b}
    - name: nothing
    - kv: {key: a, value: b}
      cmd: {run: x}
`);
    expect(errs).toEqual([
      '/p/site.yaml:4:7: error: [0].tasks[0].kvv: unknown key or operation "kvv" — did you mean "kv"?',
      '/p/site.yaml:5:7: error: [0].tasks[1]: a task needs exactly one operation (e.g. `file: {...}`)',
      '/p/site.yaml:7:7: error: [0].tasks[2].cmd: a task has one operation; found kv, cmd',
    ]);
  });

  it('checks untemplated operation arguments with the op schema, at the right line', () => {
    const errs = errorsOf(`
- hosts: all
  tasks:
    - kv:
        key: a
        value: 3
    - kv: {key: "{{ x }}", value: 3}
`);
    // The second task is templated: it is checked per host at run time instead.
    expect(errs).toEqual([
      '/p/site.yaml:6:16: error: [0].tasks[0].kv.value: kv: expected string, got number 3',
    ]);
  });

  it('points at the bad character of a when expression', () => {
    const errs = errorsOf(`
- hosts: all
  tasks:
    - kv: {key: a, value: b}
      when: "host == 'n1' && x"
`);
    expect(errs).toEqual([
      `/p/site.yaml:5:27: error: [0].tasks[0].when: invalid expression: unexpected character '&' (at character 14)`,
    ]);
  });

  it('rejects notify of an unknown handler, wrong types, bad serial and bad meta', () => {
    const errs = errorsOf(`
- hosts: all
  serial: 0
  tasks:
    - kv: {key: a, value: b}
      notify: [restrat]
      ignore_errors: "yes"
    - meta: flush
  handlers:
    - name: restart
      cmd: {run: x}
`);
    expect(errs.join('\n')).toContain('/p/site.yaml:3:11: error: [0].serial:');
    expect(errs.join('\n')).toContain(
      '/p/site.yaml:7:22: error: [0].tasks[0].ignore_errors: expected boolean, got string "yes"',
    );
  });

  it('reports handler and meta problems once structure is valid', () => {
    const errs = errorsOf(`
- hosts: all
  tasks:
    - kv: {key: a, value: b}
      notify: [restrat]
    - meta: flush
  handlers:
    - name: restart
      cmd: {run: x}
`);
    expect(errs).toEqual([
      '/p/site.yaml:6:13: error: [0].tasks[1].meta: meta must be one of: flush_handlers',
      '/p/site.yaml:5:16: error: [0].tasks[0].notify[0]: no handler named "restrat" — did you mean "restart"?',
    ]);
  });

  it('reports YAML syntax errors with a position, and a missing file', async () => {
    const errs = errorsOf('- hosts: all\n  tasks: [\n');
    expect(errs[0]).toMatch(/^\/p\/site\.yaml:\d+:\d+: error: /);
    const dir = await mkdtemp(join(tmpdir(), 'hakit-pb-'));
    await expect(loadPlaybook(join(dir, 'nope.yaml'), catalog())).rejects.toThrow(
      /cannot read playbook .*ENOENT/,
    );
    await writeFile(join(dir, 'ok.yaml'), '- hosts: all\n  tasks: []\n');
    await expect(loadPlaybook(join(dir, 'ok.yaml'), catalog())).resolves.toMatchObject({
      plays: [{ hosts: ['all'] }],
    });
  });

  it('rejects a document that is not a list of plays', () => {
    expect(errorsOf('hosts: all\n')[0]).toMatch(/^\/p\/site\.yaml:1:1: error: expected array/);
  });
});
