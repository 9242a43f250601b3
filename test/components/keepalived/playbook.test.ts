import { describe, expect, it } from 'vitest';
import { haproxyUnderPacemaker } from '../../../src/components/haproxy/service.js';
import { registryOps } from '../../../src/executor/registries.js';
import { hostUniverse } from '../../../src/executor/ssh-targets.js';
import { loadInventory } from '../../../src/inventory/load.js';
import { resolveHosts } from '../../../src/playbook/hosts.js';
import { loadPlaybook } from '../../../src/playbook/load.js';
import { DEBIAN_LAYOUT, RHEL_LAYOUT } from '../../../src/render/layout.js';
import { desiredState } from '../../../src/state/desired.js';

describe('playbooks/keepalived.yaml in site.yaml', () => {
  it('runs after HAProxy (its track scripts watch it) on role:keepalived, tagged keepalived: file, service, reload on change', async () => {
    const site = await loadPlaybook('playbooks/site.yaml', registryOps);
    const names = site.plays.map((p) => p.name);
    const i = names.indexOf('keepalived');
    expect(i).toBe(names.indexOf('HAProxy') + 1);
    const play = site.plays[i]!;
    expect(play.hosts).toEqual(['role:keepalived']);
    expect(play.tasks.map((t) => [t.op, t.args])).toEqual([
      ['config_file', { file: 'keepalived' }],
      ['service', { name: 'keepalived', state: 'started', enabled: true }],
    ]);
    expect(play.tasks[0]!.notify).toEqual(['reload keepalived']);
    expect(play.handlers.map((h) => [h.name, h.op, h.args])).toEqual([
      ['reload keepalived', 'service', { name: 'keepalived', state: 'reloaded' }],
    ]);
    for (const t of play.tasks) expect(t.tags).toContain('keepalived');
  });

  it('the keepalived example has keepalived and HAProxy (started by systemd) on every node, and no cluster stack', async () => {
    const loaded = await loadInventory('inventories/sandbox-keepalived.yaml');
    const universe = hostUniverse(loaded);
    expect(resolveHosts(['role:keepalived'], universe)).toEqual(['node1', 'node2', 'node3']);
    expect(resolveHosts(['role:pacemaker'], universe)).toEqual([]);
    const node1 = loaded.inventory.nodes[0]!;
    for (const layout of [DEBIAN_LAYOUT, RHEL_LAYOUT])
      expect(desiredState(loaded, node1, { layout, secrets: 'mask' }).packages).toEqual(
        layout === DEBIAN_LAYOUT
          ? ['haproxy', 'keepalived', 'chrony']
          : ['haproxy', 'keepalived', 'chrony', 'policycoreutils-python-utils'],
      );
    expect(haproxyUnderPacemaker(loaded.inventory, 'node1')).toBe(false);
    // The Pacemaker sandbox runs HAProxy as a clone: systemd leaves it alone there.
    const sandbox = await loadInventory('inventories/sandbox.yaml');
    expect(resolveHosts(['role:keepalived'], hostUniverse(sandbox))).toEqual([]);
    expect(haproxyUnderPacemaker(sandbox.inventory, 'node1')).toBe(true);
    expect(
      desiredState(sandbox, sandbox.inventory.nodes[0]!, { layout: DEBIAN_LAYOUT, secrets: 'mask' }).packages,
    ).not.toContain('keepalived');
  });
});
