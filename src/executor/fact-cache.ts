import type { Connector } from '../connect/types.js';
import { CommandFailedError } from '../errors/index.js';
import { type FactRequest, factKey } from '../ops/types.js';

/** How facts are turned into one shell command and parsed back (the facts registry, injectable for tests). */
export interface FactSource {
  command(reqs: FactRequest[]): string;
  parse(reqs: FactRequest[], stdout: string): ReadonlyMap<string, unknown>;
  /** Whether any of the facts needs root to give a true answer. */
  needsBecome(reqs: FactRequest[]): boolean;
}

/**
 * Facts of one host, cached for the run. Missing facts are gathered in ONE round trip; a task that writes a
 * path drops the facts about that path.
 */
export class HostFactCache {
  private readonly values = new Map<string, { req: FactRequest; value: unknown }>();
  /** Round trips made (for tests and the bench). */
  gathers = 0;
  /** The preflight facts, kept by `invalidateAll`. */
  baseRequests: FactRequest[] = [];

  constructor(
    private readonly connector: Connector,
    private readonly source: FactSource,
  ) {}

  has(req: FactRequest): boolean {
    return this.values.has(factKey(req));
  }

  peek(req: FactRequest): unknown {
    return this.values.get(factKey(req))?.value;
  }

  /** Every cached fact without arguments, by name (what `facts.NAME` shows in expressions). */
  byName(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const { req, value } of this.values.values()) if (req.args === undefined) out[req.fact] = value;
    return out;
  }

  async get(
    reqs: readonly FactRequest[],
    opts: { become?: boolean; timeoutMs?: number } = {},
  ): Promise<Map<string, unknown>> {
    const unique = new Map<string, FactRequest>();
    for (const r of reqs) unique.set(factKey(r), r);
    const missing = [...unique.values()].filter((r) => !this.values.has(factKey(r)));
    if (missing.length > 0) {
      const command = this.source.command(missing);
      const become = opts.become ?? this.source.needsBecome(missing);
      this.gathers++;
      const res = await this.connector.exec(command, {
        ...(become ? { become: true } : {}),
        ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
      });
      if (res.exitCode !== 0) {
        throw new CommandFailedError(
          {
            host: this.connector.host,
            command: `gather facts: ${missing.map((r) => r.fact).join(', ')}`,
            ...res,
          },
          `${this.connector.host}: gathering facts failed (exit ${res.exitCode ?? res.signal})${res.stderr.trim() ? `: ${res.stderr.trim()}` : ''}`,
        );
      }
      const parsed = this.source.parse(missing, res.stdout);
      for (const r of missing) this.values.set(factKey(r), { req: r, value: parsed.get(factKey(r)) });
    }
    const out = new Map<string, unknown>();
    for (const [k] of unique) out.set(k, this.values.get(k)?.value);
    return out;
  }

  /** Drops every fact whose arguments mention one of `paths` (or a path below it). */
  invalidatePaths(paths: readonly string[]): void {
    if (paths.length === 0) return;
    for (const [k, { req }] of this.values) {
      if (req.args === undefined) continue;
      const text = JSON.stringify(req.args);
      if (paths.some((p) => text.includes(JSON.stringify(p).slice(1, -1)))) this.values.delete(k);
    }
  }

  /** Drops exactly these facts (base facts included only when listed). */
  invalidate(reqs: readonly FactRequest[]): void {
    for (const r of reqs) this.values.delete(factKey(r));
  }

  /** Drops everything except the base facts (after a change whose effects are not known path by path). */
  invalidateAll(keep: readonly FactRequest[] = this.baseRequests): void {
    const keepKeys = new Set(keep.map(factKey));
    for (const k of [...this.values.keys()]) if (!keepKeys.has(k)) this.values.delete(k);
  }
}
