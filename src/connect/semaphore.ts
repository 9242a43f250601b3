/**
 * A counting semaphore with FIFO waiters. The SSH connector keeps one per connection so it never opens
 * more exec channels than the server allows (sshd MaxSessions). The limit can be lowered at run time when
 * the server turns out to allow fewer (a channel open is refused while others are open).
 */
export class Semaphore {
  private active = 0;
  private peak = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(private max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`semaphore limit must be >= 1, got ${max}`);
  }

  get limit(): number {
    return this.max;
  }
  get inUse(): number {
    return this.active;
  }
  get waiting(): number {
    return this.waiters.length;
  }
  /** Highest number of permits held at once since creation. */
  get highWater(): number {
    return this.peak;
  }

  /** Resolves with a release function once a permit is free. Release is idempotent. */
  async acquire(): Promise<() => void> {
    if (this.active < this.max) {
      this.take();
    } else {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
      // The releaser handed its permit to us: `active` already counts it.
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.release();
    };
  }

  /** Lower (or raise) the limit. Held permits stay valid; new ones wait until below the limit. */
  setLimit(n: number): void {
    this.max = Math.max(1, Math.floor(n));
    this.drain();
  }

  private take(): void {
    this.active++;
    if (this.active > this.peak) this.peak = this.active;
  }

  private release(): void {
    this.active--;
    this.drain();
  }

  private drain(): void {
    while (this.active < this.max && this.waiters.length > 0) {
      this.take();
      this.waiters.shift()?.();
    }
  }
}
