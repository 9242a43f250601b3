import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTransition, renderTransition, type Transition } from '../../src/pacemaker/simulate.js';

/** Real `crm_simulate --xml-pipe --run` outputs (Pacemaker 2.1.5), made by fixtures/simulate/generate.sh. */
const DIR = 'test/pacemaker/fixtures/simulate';
const output = (name: string) => readFileSync(`${DIR}/${name}.txt`, 'utf8');
const parse = (name: string) => parseTransition(output(name));

/** Only the non-empty lists, so each case states exactly what Pacemaker would do. */
function nonEmpty(t: Transition): Partial<Transition> {
  return Object.fromEntries(Object.entries(t).filter(([, v]) => (v as unknown[]).length > 0));
}

describe('parseTransition (real crm_simulate outputs)', () => {
  it('an unchanged configuration: an empty transition, rendered as such', () => {
    const t = parse('none');
    expect(nonEmpty(t)).toEqual({});
    expect(renderTransition(t)).toBe('no resource would start, stop or move');
  });

  it('a new resource starts', () => {
    const t = parse('start');
    expect(nonEmpty(t)).toEqual({ start: [{ resource: 'canary', node: 'node3' }] });
    expect(renderTransition(t)).toBe('would start canary on node3');
  });

  it('a start that cannot run is marked blocked, with its reason', () => {
    const t = parse('blocked');
    expect(nonEmpty(t)).toEqual({
      start: [{ resource: 'canary', node: 'node3', reason: 'unrunnable gate start', blocked: true }],
    });
    expect(renderTransition(t)).toBe('cannot start canary on node3 (blocked; due to unrunnable gate start)');
  });

  it('a standby node: its instances stop, a promotable one with its role', () => {
    const t = parse('stop');
    expect(nonEmpty(t)).toEqual({
      stop: [
        { resource: 'haproxy:2', node: 'node3', reason: 'node availability' },
        { resource: 'db:2', node: 'node3', role: 'Unpromoted', reason: 'node availability' },
      ],
    });
    expect(renderTransition(t)).toBe(
      [
        'would stop haproxy on node3 (due to node availability)',
        'would stop db on node3 (Unpromoted; due to node availability)',
      ].join('\n'),
    );
  });

  it('a resource removed from the configuration stops', () => {
    expect(nonEmpty(parse('remove'))).toEqual({
      stop: [{ resource: 'worker', node: 'node2', reason: 'node availability' }],
    });
  });

  it('a changed location preference moves a resource', () => {
    const t = parse('move');
    expect(nonEmpty(t)).toEqual({ move: [{ resource: 'vip', from: 'node1', to: 'node2' }] });
    expect(renderTransition(t)).toBe('would move vip node1 → node2');
  });

  it('a changed parameter restarts a resource', () => {
    const t = parse('restart');
    expect(nonEmpty(t)).toEqual({
      restart: [{ resource: 'vip', node: 'node1', reason: 'resource definition change' }],
    });
    expect(renderTransition(t)).toBe('would restart vip on node1 (due to resource definition change)');
  });

  it('a moved promotion preference demotes one instance and promotes another', () => {
    const t = parse('promote');
    expect(nonEmpty(t)).toEqual({
      demote: [{ resource: 'db:0', node: 'node1', from: 'Promoted', to: 'Unpromoted' }],
      promote: [{ resource: 'db:1', node: 'node2', from: 'Unpromoted', to: 'Promoted' }],
    });
    expect(renderTransition(t)).toBe('would demote db on node1\nwould promote db on node2');
  });

  it('an allow-migrate resource migrates live', () => {
    const t = parse('migrate');
    expect(nonEmpty(t)).toEqual({ migrate: [{ resource: 'worker', from: 'node2', to: 'node3' }] });
    expect(renderTransition(t)).toBe('would migrate worker node2 → node3 (live migration)');
  });

  it('a failed monitor recovers (the injection section before the summary is skipped)', () => {
    const text = output('recover');
    expect(text).toContain('Performing Requested Modifications:');
    expect(nonEmpty(parseTransition(text))).toEqual({ recover: [{ resource: 'vip', node: 'node1' }] });
  });

  it('a failed node is fenced, its resources stop or move', () => {
    const t = parse('fence');
    expect(nonEmpty(t)).toEqual({
      fence: [{ node: 'node2', method: 'reboot', reason: 'peer is no longer part of the cluster' }],
      stop: [
        { resource: 'haproxy:1', node: 'node2', reason: 'node availability' },
        { resource: 'db:1', node: 'node2', role: 'Unpromoted', reason: 'node availability' },
      ],
      move: [{ resource: 'worker', from: 'node2', to: 'node3' }],
    });
    expect(renderTransition(t).split('\n')[0]).toBe(
      'would fence node2 (reboot: peer is no longer part of the cluster)',
    );
  });

  it('several changes at once, one line each, in a fixed order', () => {
    const t = parse('mixed');
    expect(nonEmpty(t)).toEqual({
      restart: [{ resource: 'vip', node: 'node1', reason: 'resource definition change' }],
      migrate: [{ resource: 'worker', from: 'node2', to: 'node3' }],
      stop: [{ resource: 'fence-ipmi', node: 'node1', reason: 'node availability' }],
    });
    expect(renderTransition(t)).toBe(
      [
        'would stop fence-ipmi on node1 (due to node availability)',
        'would migrate worker node2 → node3 (live migration)',
        'would restart vip on node1 (due to resource definition change)',
      ].join('\n'),
    );
  });

  it('a new cluster: every instance starts, one straight to Promoted', () => {
    const t = parse('bootstrap');
    expect(t.start.map((a) => `${a.resource}@${a.node}`)).toEqual([
      'fence-ipmi@node1',
      'vip@node1',
      'haproxy:0@node2',
      'haproxy:1@node3',
      'haproxy:2@node1',
      'worker@node2',
      'db:0@node3',
      'db:1@node2',
    ]);
    expect(t.promote).toEqual([{ resource: 'db:2', node: 'node1', from: 'Stopped', to: 'Promoted' }]);
    expect(t.other).toEqual([]);
    expect(renderTransition(t)).toMatch(/^would start and promote db on node1$/m);
  });

  it('every fixture output parses without leftovers, and none shows the fence password', () => {
    const names = readdirSync(DIR).filter((f) => f.endsWith('.txt'));
    expect(names.length).toBeGreaterThanOrEqual(12);
    expect(readFileSync(`${DIR}/settled.xml`, 'utf8')).toContain('fence-pw-Zq81');
    for (const f of names) {
      const text = readFileSync(`${DIR}/${f}`, 'utf8');
      expect(parseTransition(text).other, f).toEqual([]);
      expect(text, f).not.toContain('fence-pw-Zq81');
    }
  });
});

describe('parseTransition (formats not in the fixtures, and bad input)', () => {
  const summary = (...items: string[]) =>
    `Current cluster status:\n  * Node List:\n\nTransition Summary:\n${items.map((i) => `  * ${i}\n`).join('')}\nExecuting Cluster Transition:\n  * Resource action: x start on node1\n`;

  it('moving with a role, moving while promoting, re-promote, reload, shutdown', () => {
    const t = parseTransition(
      summary(
        'Move       db:0     ( node1 -> node2 Unpromoted )',
        'Promote    db:1     ( Unpromoted node2 -> Promoted node3 )',
        'Re-promote db:2     ( Promoted node1 )',
        'Reload     web      ( node1 )',
        'Shutdown node3',
      ),
    );
    expect(t.move).toEqual([{ resource: 'db:0', from: 'node1', to: 'node2', role: 'Unpromoted' }]);
    expect(t.promote).toEqual([
      { resource: 'db:1', node: 'node3', from: 'Unpromoted', to: 'Promoted', fromNode: 'node2' },
    ]);
    expect(t.repromote).toEqual([{ resource: 'db:2', node: 'node1', role: 'Promoted' }]);
    expect(t.reload).toEqual([{ resource: 'web', node: 'node1' }]);
    expect(t.shutdown).toEqual([{ node: 'node3' }]);
    expect(t.start).toEqual([]); // "Executing Cluster Transition" is another section
    expect(renderTransition(t)).toContain('would promote db node2 → node3');
  });

  it('an item it does not know is kept verbatim and shown', () => {
    const t = parseTransition(summary('Frobnicate  x  ( node1 )', 'Start  y  ( weird -> )'));
    expect(t.other).toEqual(['Frobnicate  x  ( node1 )', 'Start  y  ( weird -> )']);
    expect(renderTransition(t)).toBe('would: Frobnicate  x  ( node1 )\nwould: Start  y  ( weird -> )');
  });

  it('output without a Transition Summary is an error (not an empty transition)', () => {
    expect(() => parseTransition('crm_simulate: command not found\n')).toThrow(/no "Transition Summary:"/);
    expect(() => parseTransition('')).toThrow(/Transition Summary/);
  });
});
