import { describe, expect, it } from 'vitest';
import { Semaphore } from '../../src/connect/index.js';

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('Semaphore', () => {
  it('never lets more than the limit run (30 tasks, limit 9) and runs them all', async () => {
    const sem = new Semaphore(9);
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const release = await sem.acquire();
        running++;
        peak = Math.max(peak, running);
        for (let j = 0; j < (i % 4) + 1; j++) await tick();
        running--;
        done.push(i);
        release();
      }),
    );
    expect(peak).toBe(9);
    expect(sem.highWater).toBe(9);
    expect(done.sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(sem.inUse).toBe(0);
  });

  it('hands permits out in FIFO order and release is idempotent', async () => {
    const sem = new Semaphore(1);
    const first = await sem.acquire();
    const order: number[] = [];
    const waiters = [1, 2, 3].map((n) =>
      sem.acquire().then((rel) => {
        order.push(n);
        return rel;
      }),
    );
    expect(sem.waiting).toBe(3);
    first();
    first(); // second call must not free another permit
    const r1 = await waiters[0]!;
    await tick();
    expect(order).toEqual([1]);
    expect(sem.inUse).toBe(1);
    r1();
    (await waiters[1]!)();
    (await waiters[2]!)();
    expect(order).toEqual([1, 2, 3]);
    expect(sem.inUse).toBe(0);
  });

  it('lowering the limit holds new acquirers until enough permits come back', async () => {
    const sem = new Semaphore(3);
    const held = [await sem.acquire(), await sem.acquire(), await sem.acquire()];
    sem.setLimit(1);
    let got = false;
    const p = sem.acquire().then((r) => {
      got = true;
      return r;
    });
    held[0]!();
    await tick();
    expect(got).toBe(false); // 2 still held, limit 1
    held[1]!();
    await tick();
    expect(got).toBe(false); // 1 held
    held[2]!();
    (await p)();
    expect(got).toBe(true);
  });

  it('rejects a limit below 1', () => {
    expect(() => new Semaphore(0)).toThrow(RangeError);
  });
});
