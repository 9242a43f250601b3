import { describe, expect, it } from 'vitest';
import { backoffDelay, withRetries } from '../../src/connect/index.js';

class Transient extends Error {}

describe('backoffDelay', () => {
  it('doubles from the base and is capped', () => {
    expect([0, 1, 2, 3, 4, 5].map((a) => backoffDelay(a, 500, 8000))).toEqual([
      500, 1000, 2000, 4000, 8000, 8000,
    ]);
    expect(backoffDelay(2, 100, 250)).toBe(250);
  });
});

describe('withRetries', () => {
  it('retries transient errors a bounded number of times with exponential delays', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    const err = await withRetries(
      async () => {
        calls++;
        throw new Transient(`fail ${calls}`);
      },
      {
        retries: 3,
        baseMs: 100,
        retryable: (e) => e instanceof Transient,
        sleep: async (ms) => void sleeps.push(ms),
      },
    ).catch((e: Error) => e);
    expect(calls).toBe(4);
    expect(sleeps).toEqual([100, 200, 400]);
    expect((err as Error).message).toBe('fail 4');
  });

  it('throws non-retryable errors (auth, host key) at once', async () => {
    let calls = 0;
    await expect(
      withRetries(
        async () => {
          calls++;
          throw new Error('auth failed');
        },
        { retries: 5, retryable: (e) => e instanceof Transient, sleep: async () => {} },
      ),
    ).rejects.toThrow('auth failed');
    expect(calls).toBe(1);
  });

  it('returns the first success', async () => {
    let calls = 0;
    const v = await withRetries(
      async (attempt) => {
        calls++;
        if (attempt < 2) throw new Transient('x');
        return 'ok';
      },
      { retries: 5, retryable: () => true, sleep: async () => {} },
    );
    expect(v).toBe('ok');
    expect(calls).toBe(3);
  });
});
