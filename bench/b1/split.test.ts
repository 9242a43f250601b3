import { describe, expect, it } from 'vitest';
import {
  b1Targets,
  medianTimeline,
  noopProblem,
  parseEvents,
  recapOf,
  splitBootstrap,
  taskKey,
  taskTimes,
  timeline,
} from './split.js';

/** A bootstrap's event lines as `hakit bootstrap --output json` prints them (times in ms from 0). */
const RUN = [
  '{"type":"run.start","at":1000,"playbook":"site.yaml","hosts":["n1","n2"],"check":false}',
  '{"type":"preflight.start","at":1000,"hosts":["n1","n2"]}',
  '{"type":"play.start","at":1400,"play":"Prepare hosts","hosts":["n1","n2"]}',
  '{"type":"task.start","at":1600,"play":"Prepare hosts","task":"Detect","hosts":["n1","n2"]}',
  '{"type":"task.host","at":1650,"task":"Detect","host":"n1","status":"ok","durationMs":50}',
  '{"type":"task.end","at":1650,"task":"Detect"}',
  '{"type":"task.start","at":1655,"play":"Prepare hosts","task":"chrony installed","hosts":["n1","n2"]}',
  '{"type":"task.end","at":11655,"task":"chrony installed"}',
  '{"type":"task.start","at":11656,"play":"Prepare hosts","task":"small","hosts":["n1","n2"]}',
  '{"type":"task.end","at":11660,"task":"small"}',
  '{"type":"play.end","at":11660,"play":"Prepare hosts"}',
  'a line that is not an event',
  '{"type":"play.start","at":11660,"play":"Cluster packages","hosts":["n1","n2"]}',
  '{"type":"task.start","at":11700,"play":"Cluster packages","task":"Packages","hosts":["n1","n2"]}',
  '{"type":"task.host","at":111700,"task":"Packages","host":"n2","status":"changed","durationMs":100000}',
  '{"type":"task.end","at":111700,"task":"Packages"}',
  '{"type":"task.start","at":111710,"play":"Cluster packages","task":"restart x","hosts":["n1"],"handler":true}',
  '{"type":"task.end","at":112710,"task":"restart x"}',
  '{"type":"play.end","at":112710,"play":"Cluster packages"}',
  '{"type":"run.end","at":112800,"durationMs":111800,"recap":{"n1":{"ok":5,"changed":2,"failed":0,"skipped":0,"unreachable":0},"n2":{"ok":5,"changed":0,"failed":0,"skipped":0,"unreachable":0}},"exitCode":0}',
].join('\n');

const PACKAGE_TASKS = new Set([
  taskKey('Prepare hosts', 'chrony installed'),
  taskKey('Cluster packages', 'Packages'),
]);

describe('parseEvents and taskTimes', () => {
  it('keeps the JSON event lines and times each task from its start to its end', () => {
    const ev = parseEvents(RUN);
    expect(ev).toHaveLength(19);
    expect(taskTimes(ev)).toEqual([
      { play: 'Prepare hosts', task: 'Detect', ms: 50, handler: false },
      { play: 'Prepare hosts', task: 'chrony installed', ms: 10_000, handler: false },
      { play: 'Prepare hosts', task: 'small', ms: 4, handler: false },
      { play: 'Cluster packages', task: 'Packages', ms: 100_000, handler: false },
      { play: 'Cluster packages', task: 'restart x', ms: 1000, handler: true },
    ]);
  });
});

describe('splitBootstrap', () => {
  it('(a) is the package tasks of the run, (b) the rest of the same wall time: they add up', () => {
    const s = splitBootstrap(parseEvents(RUN), 112_300, PACKAGE_TASKS);
    expect(s).toEqual({
      totalMs: 112_300,
      packageMs: 110_000,
      restMs: 2_300,
      packageTasks: ['chrony installed', 'Packages'],
    });
    expect(s.packageMs + s.restMs).toBe(s.totalMs);
  });
  it('a task of the same name in another play is not a package task', () => {
    const other = new Set([taskKey('Cluster packages', 'chrony installed')]);
    expect(() => splitBootstrap(parseEvents(RUN), 1, other)).toThrow(/no package task/);
  });
});

describe('recapOf and noopProblem', () => {
  it('names the hosts that changed something and what changed', () => {
    const ev = parseEvents(RUN);
    expect(recapOf(ev)?.n1?.changed).toBe(2);
    expect(noopProblem(ev)).toBe('n1 changed=2 failed=0: n2: Packages (changed)');
    expect(noopProblem(parseEvents(RUN.replace('"changed":2', '"changed":0')))).toBe('');
    expect(noopProblem([])).toMatch(/no run.end/);
  });
});

describe('timeline', () => {
  it('splits the wall time into startup, preflight, prefetches, tasks and pauses, adding up to it', () => {
    const segs = timeline(parseEvents(RUN), 112_300);
    expect(segs).toEqual([
      { what: 'node startup and exit', ms: 500 },
      { what: 'preflight (log in, base facts, host lock)', ms: 400 },
      { what: 'Prepare hosts: fact prefetch', ms: 200 },
      { what: 'Prepare hosts: Detect', ms: 50 },
      { what: 'Prepare hosts: between tasks', ms: 5 },
      { what: 'Prepare hosts: chrony installed', ms: 10_000 },
      { what: 'Prepare hosts: 1 other tasks (and the pauses between them)', ms: 5 },
      { what: 'Cluster packages: fact prefetch', ms: 40 },
      { what: 'Cluster packages: Packages', ms: 100_000 },
      { what: 'Cluster packages: between tasks', ms: 10 },
      { what: 'Cluster packages: restart x (handler)', ms: 1000 },
      { what: 'after the last task', ms: 90 },
    ]);
    expect(segs.reduce((s, x) => s + x.ms, 0)).toBe(112_300);
  });
  it('medianTimeline: per part, the median over runs (0 where a run lacks the part)', () => {
    const m = medianTimeline([
      [
        { what: 'a', ms: 1 },
        { what: 'b', ms: 10 },
      ],
      [{ what: 'a', ms: 3 }],
      [
        { what: 'a', ms: 2 },
        { what: 'b', ms: 20 },
      ],
    ]);
    expect(m).toEqual([
      { what: 'a', ms: 2 },
      { what: 'b', ms: 10 },
    ]);
  });
});

describe('b1Targets', () => {
  it('rest ≤ 30 s, no-op ≤ 1.5 s, and reruns that change nothing', () => {
    const t = b1Targets({ packageMs: 100_000, restMs: 30_000, totalMs: 130_000, noopMs: 1_501 }, []);
    expect(t.map((x) => [x.met, x.detail])).toEqual([
      [true, '30.00 s'],
      [false, '1.50 s'],
      [true, 'yes'],
    ]);
    expect(b1Targets({ packageMs: 0, restMs: 0, totalMs: 0, noopMs: 0 }, ['rep 1: n1 changed=1'])[2]).toEqual(
      {
        what: 'no-op reruns report changed=0 on every host',
        met: false,
        detail: 'rep 1: n1 changed=1',
      },
    );
  });
});
