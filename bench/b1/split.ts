/**
 * Pure helpers of benchmark B1 (cluster bootstrap): read hakit's `--output json` event lines, split a bootstrap's
 * wall time into package install and the rest, lay out where a run's time goes, and judge the targets.
 */
import { median, seconds } from '../stats.js';

/** The event fields B1 reads (a subset of src/events/types.ts, parsed from JSON lines). */
export interface RunEvent {
  type: string;
  at: number;
  play?: string;
  task?: string;
  host?: string;
  status?: string;
  handler?: boolean;
  durationMs?: number;
  recap?: Record<string, { changed: number; failed: number; unreachable: number }>;
  exitCode?: number;
}

/** The JSON event lines of a run's stdout (other lines are ignored). */
export function parseEvents(stdout: string): RunEvent[] {
  const out: RunEvent[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const e = JSON.parse(line) as RunEvent;
      if (typeof e.type === 'string' && typeof e.at === 'number') out.push(e);
    } catch {
      // not an event line
    }
  }
  return out;
}

/** Key of a task of a play: task names are unique within a play, not across plays. */
export const taskKey = (play: string, task: string) => `${play}\u0000${task}`;

/** One task's wall time over all its hosts (task.start → task.end: the engine runs a task on all hosts at once). */
export interface TaskTime {
  play: string;
  task: string;
  ms: number;
  handler: boolean;
}

/** Every task (and handler) of a run, in order, with its wall time. */
export function taskTimes(events: readonly RunEvent[]): TaskTime[] {
  const out: TaskTime[] = [];
  let open: { play: string; task: string; at: number; handler: boolean } | undefined;
  for (const e of events) {
    if (e.type === 'task.start' && e.task !== undefined)
      open = { play: e.play ?? '', task: e.task, at: e.at, handler: e.handler === true };
    else if (e.type === 'task.end' && open && e.task === open.task) {
      out.push({ play: open.play, task: open.task, ms: e.at - open.at, handler: open.handler });
      open = undefined;
    }
  }
  return out;
}

export interface BootstrapSplit {
  /** Wall time of the whole process (spawn to exit), measured by the bench. */
  totalMs: number;
  /** (a) the tasks that install packages, task.start → task.end each, summed. */
  packageMs: number;
  /** (b) everything else: totalMs − packageMs (startup, connecting, facts, configuration, cluster waits, exit). */
  restMs: number;
  /** The package tasks found in the run (to show what (a) covers). */
  packageTasks: string[];
}

/**
 * Splits one bootstrap's wall time: (a) is the sum of the intervals of the tasks in `packageTasks` (keys from
 * `taskKey`), (b) is the rest of the same run, so (a) + (b) is the measured total by construction. Throws when
 * the run shows none of the package tasks (the split would be meaningless).
 */
export function splitBootstrap(
  events: readonly RunEvent[],
  totalMs: number,
  packageTasks: ReadonlySet<string>,
): BootstrapSplit {
  const times = taskTimes(events).filter((t) => packageTasks.has(taskKey(t.play, t.task)));
  if (times.length === 0) throw new Error('no package task in the run: cannot split package install off');
  const packageMs = times.reduce((s, t) => s + t.ms, 0);
  return {
    totalMs,
    packageMs,
    restMs: totalMs - packageMs,
    packageTasks: times.map((t) => t.task),
  };
}

/** The run.end recap per host, or null when the run printed none. */
export function recapOf(
  events: readonly RunEvent[],
): Record<string, { changed: number; failed: number }> | null {
  const end = [...events].reverse().find((e) => e.type === 'run.end');
  return end?.recap ?? null;
}

/** Why a rerun is not a no-op ("" when every host reports changed=0 and failed=0). */
export function noopProblem(events: readonly RunEvent[]): string {
  const recap = recapOf(events);
  if (!recap) return 'no run.end recap in the output';
  const bad = Object.entries(recap)
    .filter(([, r]) => r.changed !== 0 || r.failed !== 0)
    .map(([h, r]) => `${h} changed=${r.changed} failed=${r.failed}`);
  if (bad.length) {
    const what = events
      .filter((e) => e.type === 'task.host' && (e.status === 'changed' || e.status === 'failed'))
      .map((e) => `${e.host}: ${e.task} (${e.status})`);
    return `${bad.join(', ')}${what.length ? `: ${what.slice(0, 5).join('; ')}` : ''}`;
  }
  return '';
}

/** One piece of a run's wall time (see `timeline`). */
export interface Segment {
  what: string;
  ms: number;
}

/**
 * Where one run's wall time went, in order: Node's startup and exit (wall − run.start→run.end), preflight (log in,
 * base facts and, for bootstrap, the host lock: run.start → first play.start), then per play the time before its
 * first task (the play's fact prefetch), each task, and the pauses between tasks (the controller planning); tasks
 * and pauses shorter than `minMs` are summed per play. The segments add up to `wallMs`.
 */
export function timeline(events: readonly RunEvent[], wallMs: number, minMs = 20): Segment[] {
  const start = events.find((e) => e.type === 'run.start');
  const end = events.find((e) => e.type === 'run.end');
  if (!start || !end) throw new Error('no run.start/run.end in the output');
  const out: Segment[] = [{ what: 'node startup and exit', ms: wallMs - (end.at - start.at) }];
  let cursor = start.at;
  let gapName = 'preflight (log in, base facts, host lock)';
  let play = '';
  let open: RunEvent | undefined;
  let small = { ms: 0, count: 0 };
  const flushSmall = () => {
    if (small.count)
      out.push({ what: `${play}: ${small.count} other tasks (and the pauses between them)`, ms: small.ms });
    else if (small.ms > 0) out.push({ what: `${play}: between tasks`, ms: small.ms });
    small = { ms: 0, count: 0 };
  };
  const gap = (at: number) => {
    const ms = at - cursor;
    // A short pause between two tasks goes with the short tasks; every other gap is a segment of its own.
    if (ms > 0 && gapName.endsWith(': between tasks') && ms < minMs) small.ms += ms;
    else if (ms > 0) out.push({ what: gapName, ms });
    cursor = at;
  };
  for (const e of events) {
    if (e.type === 'play.start') {
      flushSmall();
      gap(e.at);
      play = e.play ?? '';
      gapName = `${play}: fact prefetch`;
    } else if (e.type === 'task.start') {
      if (e.at - cursor >= minMs) flushSmall();
      gap(e.at);
      open = e;
    } else if (e.type === 'task.end' && open) {
      const ms = e.at - open.at;
      if (ms >= minMs) {
        flushSmall();
        out.push({ what: `${play}: ${open.task}${open.handler ? ' (handler)' : ''}`, ms });
      } else small = { ms: small.ms + ms, count: small.count + 1 };
      cursor = e.at;
      gapName = `${play}: between tasks`;
      open = undefined;
    }
  }
  flushSmall();
  gapName = 'after the last task';
  gap(end.at);
  return mergeSegments(out);
}

/** Adjacent segments with the same name become one (e.g. two "between tasks" gaps around a small task). */
function mergeSegments(segs: Segment[]): Segment[] {
  const out: Segment[] = [];
  for (const s of segs) {
    const last = out[out.length - 1];
    if (last && last.what === s.what) last.ms += s.ms;
    else out.push({ ...s });
  }
  return out;
}

/**
 * The median of each segment over several runs' timelines, in the order of the first run; a segment missing
 * from a run counts as 0 there.
 */
export function medianTimeline(runs: readonly Segment[][]): Segment[] {
  const names: string[] = [];
  for (const r of runs) for (const s of r) if (!names.includes(s.what)) names.push(s.what);
  return names.map((what) => ({
    what,
    ms: median(runs.map((r) => r.filter((s) => s.what === what).reduce((a, s) => a + s.ms, 0))),
  }));
}

export interface B1Medians {
  packageMs: number;
  restMs: number;
  totalMs: number;
  noopMs: number;
}

export interface B1Target {
  what: string;
  met: boolean;
  detail: string;
}

/** Issue #9's targets: everything but package install ≤ 30 s, no-op rerun ≤ 1.5 s, and reruns that change nothing. */
export function b1Targets(m: B1Medians, noopProblems: readonly string[]): B1Target[] {
  return [
    {
      what: 'bootstrap without package install ≤ 30 s',
      met: m.restMs <= 30_000,
      detail: seconds(m.restMs),
    },
    { what: 'no-op rerun ≤ 1.5 s', met: m.noopMs <= 1_500, detail: seconds(m.noopMs) },
    {
      what: 'no-op reruns report changed=0 on every host',
      met: noopProblems.length === 0,
      detail: noopProblems.length === 0 ? 'yes' : noopProblems.slice(0, 3).join('; '),
    },
  ];
}
