import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkersOf, durationMs, galeraRestartOp } from '../../../src/components/galera/restart-op.js';
import { loadInventory } from '../../../src/inventory/load.js';

/** The arguments playbooks/galera-restart.yaml passes, built from an inventory as the playbook's templates do. */
async function argsFor(inventory: string, node: string) {
  const { inventory: inv } = await loadInventory(inventory);
  const task = (
    parse(readFileSync('playbooks/galera-restart.yaml', 'utf8')) as {
      tasks: Record<string, Record<string, string>>[];
    }[]
  )[0]!.tasks[0]!.galera_restart!;
  // Each argument is one `{{ path }}` expression: resolve it against the run's variables.
  const vars: Record<string, unknown> = { host: node, inventory: inv };
  const resolved = Object.fromEntries(
    Object.entries(task).map(([k, v]) => {
      const path = /^\{\{ *([a-z_.]+) *\}\}$/.exec(v)?.[1];
      if (!path) throw new Error(`${k}: not one expression: ${v}`);
      return [
        k,
        path.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown> | undefined)?.[p], vars) ??
          null,
      ];
    }),
  );
  return galeraRestartOp.args.parse(resolved);
}

describe('galera_restart (planner)', () => {
  it('the playbook arguments from the sandbox inventory: every HAProxy node checks, fall/rise/inter of the galera backend', async () => {
    const a = await argsFor('inventories/sandbox.yaml', 'node2');
    expect(checkersOf(a)).toEqual({
      checkers: [
        { name: 'node1', addresses: ['10.213.0.11'] },
        { name: 'node2', addresses: ['10.213.0.12'] },
        { name: 'node3', addresses: ['10.213.0.13'] },
      ],
      fall: 2,
      rise: 2,
      interMs: 1000,
    });
    const p = galeraRestartOp.plan(a, new Map());
    expect(p.summary).toBe('rolling restart of node2');
    expect(p.steps).toHaveLength(1);
    const s = p.steps[0];
    if (s?.kind !== 'exec') throw new Error('exec expected');
    expect(s.display).toMatch(/out of HAProxy on node1, node2, node3 \(2 failed checks each\).*all 3/);
    expect(s.command).toContain("checkers='node1=10.213.0.11 node2=10.213.0.12 node3=10.213.0.13'");
  });

  it('a member no galera-checked backend lists: restarted without the drain', async () => {
    const a = await argsFor('inventories/sandbox.yaml', 'node1');
    const noLb = galeraRestartOp.args.parse({ ...a, haproxy: null });
    const s = galeraRestartOp.plan(noLb, new Map()).steps[0];
    expect(s?.kind === 'exec' && s.command).not.toContain('drain');
    expect(s?.kind === 'exec' && s.command).toContain('systemctl restart mariadb');
  });

  it('refuses a node that is not a Galera member', async () => {
    const a = await argsFor('inventories/sandbox.yaml', 'node1');
    expect(() => galeraRestartOp.plan({ ...a, node: 'web9' }, new Map())).toThrow(
      /web9 is not a Galera member/,
    );
  });

  it('durations as the inventory writes them', () => {
    expect([durationMs('500ms'), durationMs('2s'), durationMs(3), durationMs('1min')]).toEqual([
      500, 2000, 3000, 60_000,
    ]);
  });
});
