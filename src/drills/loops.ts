/**
 * A bounded background loop: runs `step` every `intervalMs` (sequentially, or `concurrent` steps in flight when
 * a step may outlast the interval) until stopped, `maxCount` steps or `maxMs` have passed, whichever is first.
 */
export interface BoundedLoop {
  /** Stops starting steps and waits for those in flight. */
  stop(): Promise<void>;
  /** Steps started. */
  readonly count: number;
}

export function boundedLoop(o: {
  intervalMs: number;
  maxCount: number;
  maxMs: number;
  /** Steps allowed in flight at once (default 1: the next starts when the previous ended and the interval passed). */
  concurrent?: number;
  step: () => Promise<void>;
}): BoundedLoop {
  const started = Date.now();
  const inflight = new Set<Promise<void>>();
  let count = 0;
  let stopped = false;
  let wake: (() => void) | undefined;
  const limit = Math.max(1, o.concurrent ?? 1);
  const pause = (ms: number) =>
    new Promise<void>((r) => {
      const t = setTimeout(r, ms);
      wake = () => {
        clearTimeout(t);
        r();
      };
    });
  const main = (async () => {
    while (!stopped && count < o.maxCount && Date.now() - started < o.maxMs) {
      const t0 = Date.now();
      count++;
      const p = o.step().catch(() => {});
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
      if (inflight.size >= limit) await Promise.race(inflight);
      const left = o.intervalMs - (Date.now() - t0);
      if (left > 0 && !stopped) await pause(left);
    }
    await Promise.all(inflight);
  })();
  return {
    get count() {
      return count;
    },
    async stop() {
      stopped = true;
      wake?.();
      await main;
    },
  };
}
