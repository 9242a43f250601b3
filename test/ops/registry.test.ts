import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InputError } from '../../src/errors/index.js';
import { facts } from '../../src/facts/index.js';
import { getOperation, type Operation, operations, registerOperation } from '../../src/ops/index.js';

describe('operation registry', () => {
  it('holds the built-in operations by name', () => {
    expect(Object.keys(operations).sort()).toEqual(
      [
        'authorized_key',
        'blockinfile',
        'command',
        'config_file',
        'copy',
        'file',
        'group',
        'lineinfile',
        'package',
        'selinux',
        'service',
        'shell',
        'sysctl',
        'template',
        'user',
        'wait_for',
      ].sort(),
    );
    for (const [name, op] of Object.entries(operations)) expect(op.name).toBe(name);
  });

  it('every fact an operation may request exists', () => {
    const samples: Record<string, unknown> = {
      authorized_key: { user: 'u', key: 'ssh-ed25519 AAAA u@h' },
      blockinfile: { path: '/x', block: 'b' },
      command: { cmd: 'x', creates: '/a', removes: '/b' },
      config_file: {
        file: 'corosync',
        spec: { dest: '/x', content: '', mode: '0644', sensitive: false },
      },
      copy: { dest: '/x', content: '' },
      file: { path: '/x' },
      group: { name: 'g' },
      lineinfile: { path: '/x', line: 'l' },
      package: { name: 'p', state: 'latest' },
      selinux: { state: 'permissive' },
      service: { name: 's' },
      shell: { cmd: 'x' },
      sysctl: { name: 'vm.swappiness', value: 1 },
      template: { dest: '/x', content: '' },
      user: { name: 'u' },
      wait_for: { port: 22 },
    };
    for (const [name, op] of Object.entries(operations)) {
      const args = op.args.parse(samples[name]);
      for (const req of [...op.facts(args), ...(op.diffFacts?.(args) ?? [])]) {
        expect(facts[req.fact], `${name} requests ${req.fact}`).toBeDefined();
        expect(facts[req.fact]!.args?.safeParse(req.args).success ?? req.args === undefined).toBe(true);
      }
    }
  });

  it('unknown operation → InputError; unknown keys in args are rejected', () => {
    expect(() => getOperation('apt')).toThrow(InputError);
    expect(() => getOperation('toString')).toThrow(InputError);
    expect(getOperation('copy').args.safeParse({ dest: '/x', content: '', ownr: 'root' }).success).toBe(
      false,
    );
  });

  it('registerOperation adds a TypeScript operation; a taken name is refused', () => {
    const op: Operation<{ n: number }> = {
      name: 'test_cluster_op',
      args: z.object({ n: z.number() }),
      facts: () => [],
      plan: (a) => ({ steps: [{ kind: 'exec', command: `echo ${a.n}` }] }),
    };
    registerOperation(op);
    registerOperation(op); // same object again: fine
    expect(getOperation('test_cluster_op')).toBe(op);
    expect(() => registerOperation({ ...op })).toThrow(/already registered/);
    expect(() => registerOperation({ ...op, name: 'copy' })).toThrow(/already registered/);
    expect(() => registerOperation({ ...op, name: 'Bad Name' })).toThrow(/invalid operation name/);
    delete operations.test_cluster_op;
  });
});
