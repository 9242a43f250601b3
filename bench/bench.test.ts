import { describe, expect, it } from 'vitest';
import { diffSnapshots, snapshotProblems } from './hosts.js';
import { floorRatios, median, table } from './stats.js';
import { ansibleChanged, hakitSummary } from './tools.js';

describe('median', () => {
  it('takes the middle of an odd count and the mean of the two middles of an even one', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow();
  });
});

describe('table', () => {
  it('pads columns to the widest cell and right-aligns all but the first', () => {
    expect(
      table([
        ['a', 'bb'],
        ['ccc', 'd'],
      ]),
    ).toBe('a    bb\n---  --\nccc   d');
  });
});

describe('floorRatios', () => {
  it('divides the 30-host floor by the 3-host floor of the same rounds and skips rounds one size lacks', () => {
    const r3 = {
      floor: [
        { rounds: 1, what: 'log in + 1', medianMs: 400 },
        { rounds: 14, what: 'log in + 14', medianMs: 500 },
      ],
    };
    const r30 = {
      floor: [
        { rounds: 14, what: 'log in + 14', medianMs: 1600 },
        { rounds: 1, what: 'log in + 1', medianMs: 850 },
        { rounds: 27, what: 'log in + 27', medianMs: 2000 },
      ],
    };
    expect(floorRatios(r3, r30)).toEqual([
      { what: 'log in + 1: 30 vs 3 hosts', detail: '2.13× (0.85 s vs 0.40 s)' },
      { what: 'log in + 14: 30 vs 3 hosts', detail: '3.20× (1.60 s vs 0.50 s)' },
    ]);
  });
});

describe('ansibleChanged', () => {
  it('sums changed= over the PLAY RECAP lines only', () => {
    const out = [
      'TASK [x] changed=99 in a task name',
      'PLAY RECAP *********',
      'node1 : ok=14 changed=12 unreachable=0 failed=0 skipped=0',
      'node2 : ok=14 changed=0 unreachable=0 failed=0 skipped=0',
    ].join('\n');
    expect(ansibleChanged(out)).toBe(12);
    expect(ansibleChanged('ERROR! no recap')).toBeNull();
  });
});

describe('hakitSummary', () => {
  it('reads the run.end recap and task durations from JSON event lines', () => {
    const lines = [
      '{"type":"task.start","at":100,"task":"a"}',
      '{"type":"task.end","at":130,"task":"a"}',
      'not json',
      '{"type":"run.end","at":200,"recap":{"n1":{"changed":2},"n2":{"changed":1}}}',
    ].join('\n');
    expect(hakitSummary(lines)).toEqual({ changed: 3, tasks: [{ task: 'a', ms: 30 }] });
    expect(hakitSummary('').changed).toBeNull();
  });
});

describe('snapshots', () => {
  const good = [
    '/etc/w1 directory 755 root:root',
    '/etc/w1/authkey sha256 abc',
    'hosts a',
    'hosts b',
    'hosts c',
    'sysctl x=1',
    'sysctl y=2',
    'service w1-demo active',
    'group w1:1001',
  ];
  it('finds no difference between equal states and no problem in a complete one', () => {
    expect(diffSnapshots(new Map([['n1', good]]), new Map([['n1', [...good].reverse()]]))).toEqual([]);
    expect(snapshotProblems(new Map([['n1', good]]))).toEqual([]);
  });
  it('names differing lines by path but never shows the authkey hash', () => {
    const other = good.map((l) => (l.startsWith('/etc/w1/authkey') ? '/etc/w1/authkey sha256 def' : l));
    const d = diffSnapshots(new Map([['n1', good]]), new Map([['n1', other]]));
    expect(d).toEqual([
      'n1: only in first: /etc/w1/authkey content',
      'n1: only in second: /etc/w1/authkey content',
    ]);
  });
  it('reports missing paths, a stopped service and a missing group', () => {
    const bad = ['/etc/w1 missing', 'service w1-demo inactive', 'group '];
    const p = snapshotProblems(new Map([['n1', bad]]));
    expect(p).toContain('n1: /etc/w1 missing');
    expect(p).toContain('n1: w1-demo is not active');
    expect(p).toContain('n1: group w1 is missing');
  });
});
