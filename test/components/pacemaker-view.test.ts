import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cibView, xmlId } from '../../src/components/pacemaker/view.js';
import { parseInventory } from '../../src/inventory/load.js';

const base = readFileSync('inventories/sandbox.yaml', 'utf8');
const load = (text: string) => parseInventory('inline.yaml', text).inventory;

describe('CIB view', () => {
  it('adds a default monitor when a resource lists only other operations, keeps given ones', () => {
    const text = base.replace(
      '      cidr_netmask: 24\n',
      '      cidr_netmask: 24\n      ops:\n        - { name: start, timeout: 30s }\n',
    );
    const vip = cibView(load(text)).resources.find((r) => r.primitive?.id === 'vip')!.primitive!;
    expect(vip.ops.map((o) => `${o.id} ${o.name} ${o.interval} ${o.timeout}`)).toEqual([
      'vip-start-interval-0s start 0s 30s',
      'vip-monitor-interval-10s monitor 10s 20s',
    ]);
  });

  it('wraps a drbd resource in a promotable clone sized to its members, with notify', () => {
    const view = cibView(load(readFileSync('inventories/staging.example.yaml', 'utf8')));
    const clone = view.resources.find((r) => r.clone?.id === 'data-clone')!.clone!;
    const meta = Object.fromEntries(clone.meta!.pairs.map((p) => [p.name, p.value]));
    expect(meta).toEqual({
      promotable: 'true',
      'promoted-max': '1',
      'promoted-node-max': '1',
      'clone-max': '2',
      'clone-node-max': '1',
      notify: 'true',
    });
    expect(clone.primitive!.ops.map((o) => o.role)).toEqual(['Promoted', 'Unpromoted']);
  });

  it('stonith devices carry pcmk_host_list and pcmk_host_map; secret params are marked', () => {
    const view = cibView(load(readFileSync('inventories/production.example.yaml', 'utf8')));
    const pdu = view.stonith.find((s) => s.id === 'fence-pdu')!;
    const pairs = Object.fromEntries(pdu.params!.pairs.map((p) => [p.name, p]));
    expect(pairs.pcmk_host_list!.value).toBe('db1 db2 db3 fs1 fs2');
    expect(pairs.pcmk_host_map!.value).toBe('db1:1;db2:2;db3:3;fs1:4;fs2:5');
    expect(pairs.community!.is_secret).toBe(true);
    expect(pairs.ip!.is_secret).toBe(false);
  });

  it('a two-node cluster gets a fencing delay unless the inventory chose one', () => {
    const staging = readFileSync('inventories/staging.example.yaml', 'utf8');
    const delays = (text: string) =>
      Object.fromEntries(
        cibView(load(text)).stonith.map((d) => [
          d.id,
          d.params!.pairs.filter((p) => p.name.startsWith('pcmk_delay')).map((p) => `${p.name}=${p.value}`),
        ]),
      );
    // priority-fencing-delay is the inventory's choice: nothing added.
    expect(delays(staging)).toEqual({ 'fence-stg-a': [], 'fence-stg-b': [] });
    const noPriority = staging.replace('    priority-fencing-delay: 15s\n', '');
    expect(noPriority).not.toBe(staging);
    expect(delays(noPriority)).toEqual({
      'fence-stg-a': ['pcmk_delay_max=15s'],
      'fence-stg-b': ['pcmk_delay_max=15s'],
    });
    const ownDelay = noPriority
      .replace('fences: [stg-a]\n', 'fences: [stg-a]\n        meta: {}\n')
      .replace(
        'password: env:STG_IPMI_PASSWORD, lanplus: 1 }\n      - id: fence-stg-b',
        'password: env:STG_IPMI_PASSWORD, lanplus: 1, pcmk_delay_base: 5s }\n      - id: fence-stg-b',
      );
    expect(delays(ownDelay)).toEqual({
      'fence-stg-a': ['pcmk_delay_base=5s'],
      'fence-stg-b': ['pcmk_delay_max=15s'],
    });
    // Three nodes: quorum decides who fences, no delay.
    expect(cibView(load(base)).stonith.flatMap((d) => d.params!.pairs.map((p) => p.name))).not.toContain(
      'pcmk_delay_max',
    );
  });

  it('derived ids are unique and valid XML ids', () => {
    const view = cibView(load(readFileSync('inventories/production.example.yaml', 'utf8')));
    const json = JSON.stringify(view);
    const ids = [...json.matchAll(/"id":"([^"]+)"/g)].map((m) => m[1]!);
    // node ids are numbers (corosync nodeids); everything else must be an XML ID
    const xmlIds = ids.filter((i) => !/^\d+$/.test(i));
    expect(new Set(xmlIds).size).toBe(xmlIds.length);
    for (const i of xmlIds) expect(i).toMatch(/^[A-Za-z_][A-Za-z0-9_.-]*$/);
    expect(xmlId('+INFINITY')).toBe('INFINITY');
    expect(xmlId('9abc')).toBe('_9abc');
  });
});
