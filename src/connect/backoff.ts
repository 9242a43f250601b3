/** Exponential backoff for connection retries: base * 2^attempt, capped. attempt is 0-based. */
export function backoffDelay(attempt: number, baseMs = 500, maxMs = 8000): number {
  if (attempt < 0) return 0;
  return Math.min(maxMs, baseMs * 2 ** attempt);
}

export interface RetryOptions {
  /** Retries after the first attempt (total attempts = retries + 1). */
  retries: number;
  baseMs?: number;
  maxMs?: number;
  /** Errors for which this returns false are thrown at once (auth, host key). */
  retryable: (err: unknown) => boolean;
  /** Injected for tests; default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

/** Run `fn` with bounded retries; throws the last error (with `attempts` recorded) when all fail. */
export async function withRetries<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!opts.retryable(err) || attempt >= opts.retries) throw err;
      const delay = backoffDelay(attempt, opts.baseMs, opts.maxMs);
      opts.onRetry?.(err, attempt, delay);
      await sleep(delay);
    }
  }
}
