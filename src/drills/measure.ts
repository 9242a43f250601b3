/**
 * The figures of a drill, computed from what the client probe, the SQL writer and the VIP sampler recorded.
 * Pure: every time is ms on the controller's clock.
 */

/** One TCP connect to the VIP's frontend. */
export interface ProbeSample {
  at: number;
  ok: boolean;
}

/** One numbered SQL write through the VIP: acknowledged when the client got its OK. */
export interface WriteSample {
  seq: number;
  startedAt: number;
  endedAt: number;
  acked: boolean;
}

/** Who held the VIP at one moment (the nodes that could be read; `unread` those that could not). */
export interface HolderSample {
  at: number;
  holders: string[];
  unread: string[];
}

export interface Outage {
  /** First failed probe to the first good one after the last failed probe (0 when no probe failed). */
  outageMs: number;
  firstFailAt: number | null;
  recoveredAt: number | null;
  failed: number;
  total: number;
}

/**
 * The client-observed outage: from the first failed probe to the first good probe after the last failure, so a
 * service that flaps counts from the first failure to the end of the flapping. A failure never followed by a good
 * probe runs to the last sample (recoveredAt null).
 */
export function outageOf(samples: readonly ProbeSample[]): Outage {
  const total = samples.length;
  const failed = samples.filter((s) => !s.ok).length;
  const first = samples.findIndex((s) => !s.ok);
  if (first < 0) return { outageMs: 0, firstFailAt: null, recoveredAt: null, failed, total };
  let lastFail = first;
  for (let i = samples.length - 1; i >= first; i--)
    if (!samples[i]?.ok) {
      lastFail = i;
      break;
    }
  const firstFailAt = samples[first]?.at ?? 0;
  const recovered = samples[lastFail + 1];
  const end = recovered?.at ?? samples[samples.length - 1]?.at ?? firstFailAt;
  return {
    outageMs: end - firstFailAt,
    firstFailAt,
    recoveredAt: recovered ? recovered.at : null,
    failed,
    total,
  };
}

/**
 * The longest time without an acknowledged write, between `from` and `to` (the writer's window): gaps between
 * consecutive acknowledgements, and from the window's start to the first one and from the last one to its end.
 */
export function longestWriteGap(writes: readonly WriteSample[], from: number, to: number): number {
  const acks = writes
    .filter((w) => w.acked)
    .map((w) => w.endedAt)
    .sort((a, b) => a - b);
  let prev = from;
  let gap = 0;
  for (const t of acks) {
    gap = Math.max(gap, t - prev);
    prev = t;
  }
  return Math.max(gap, to - prev);
}

/**
 * Lost writes: acknowledged sequence numbers missing from at least one member afterwards. `present` maps each
 * member read back to the sequence numbers it holds.
 */
export function lostWrites(
  writes: readonly WriteSample[],
  present: ReadonlyMap<string, ReadonlySet<number>>,
): { acked: number; lost: number[]; missingOn: Record<string, number> } {
  const acked = writes.filter((w) => w.acked).map((w) => w.seq);
  const lost = new Set<number>();
  const missingOn: Record<string, number> = {};
  for (const [host, seqs] of present) {
    const missing = acked.filter((s) => !seqs.has(s));
    missingOn[host] = missing.length;
    for (const s of missing) lost.add(s);
  }
  return { acked: acked.length, lost: [...lost].sort((a, b) => a - b), missingOn };
}

/** The most nodes seen holding the VIP in one sample. */
export function maxHolders(samples: readonly HolderSample[]): number {
  return Math.max(0, ...samples.map((s) => s.holders.length));
}
