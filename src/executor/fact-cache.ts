import type { Connector } from '../connect/types.js';
import { CommandFailedError, UnreachableError } from '../errors/index.js';
import { type FactRequest, factKey } from '../ops/types.js';

/** The facts one task of the play is expected to ask for (see `predictFactRequests`). */
export interface FactHint {
  task: unknown;
  reqs: readonly FactRequest[];
  /** A change by this task may have effects not known path by path (a command, a service…). */
  opaque?: boolean;
}

/** How facts are turned into one shell command and parsed back (the facts registry, injectable for tests). */
export interface FactSource {
  command(reqs: FactRequest[]): string;
  parse(reqs: FactRequest[], stdout: string): ReadonlyMap<string, unknown>;
  /** Whether any of the facts needs root to give a true answer. */
  needsBecome(reqs: FactRequest[]): boolean;
  /**
   * Whether a request is live cluster state (`Fact.live`, e.g. the CIB): never gathered ahead of its task. When
   * absent, the engine asks the facts registry.
   */
  live?(req: FactRequest): boolean;
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
  /**
   * Facts the play's tasks are expected to ask for, in task order (see `predictFactRequests`), and the index
   * of the task now running: a gather for a task also fetches what the tasks after it will need, so a change
   * that drops facts costs one round trip later, not one per task.
   */
  private hints: FactHint[] = [];
  private hintPos = 0;

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

  /** Sets the play's predicted facts per task (in task order); see `hints`. */
  setHints(hints: FactHint[]): void {
    this.hints = hints;
    this.hintPos = 0;
  }

  /** The play reached `task`: hints of the tasks before it are no longer worth gathering. */
  reached(task: unknown): void {
    const i = this.hints.findIndex((h) => h.task === task);
    if (i >= 0) this.hintPos = i;
  }

  async get(
    reqs: readonly FactRequest[],
    opts: { become?: boolean; timeoutMs?: number; withHints?: boolean } = {},
  ): Promise<Map<string, unknown>> {
    const unique = new Map<string, FactRequest>();
    for (const r of reqs) unique.set(factKey(r), r);
    const missing = [...unique.values()].filter((r) => !this.values.has(factKey(r)));
    if (missing.length > 0) {
      const extra = opts.withHints === false ? [] : this.upcoming(unique);
      if (extra.length === 0) await this.gather(missing, opts);
      else {
        try {
          await this.gather([...missing, ...extra], opts);
        } catch (err) {
          // A hinted fact must never fail the task that did not ask for it: retry with what it asked for.
          if (err instanceof UnreachableError) throw err;
          await this.gather(missing, opts);
        }
      }
    }
    const out = new Map<string, unknown>();
    for (const [k] of unique) out.set(k, this.values.get(k)?.value);
    return out;
  }

  /**
   * Hinted facts of the current task and the ones after it, up to and including the first task (the current
   * one included) whose changes may drop every fact (`opaque`: gathering past it would likely be repeated),
   * that are neither cached nor in `asked`.
   */
  private upcoming(asked: ReadonlyMap<string, FactRequest>): FactRequest[] {
    const out = new Map<string, FactRequest>();
    for (const h of this.hints.slice(this.hintPos)) {
      for (const r of h.reqs) {
        const k = factKey(r);
        if (!asked.has(k) && !this.values.has(k)) out.set(k, r);
      }
      // An opaque task is the last one worth gathering for (its own facts are needed before it runs); when it
      // is the current task, whatever comes after it would be dropped by its change anyway.
      if (h.opaque) break;
    }
    return [...out.values()];
  }

  private async gather(
    missing: readonly FactRequest[],
    opts: { become?: boolean; timeoutMs?: number },
  ): Promise<void> {
    const command = this.source.command([...missing]);
    const become = opts.become ?? this.source.needsBecome([...missing]);
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
    this.store(missing, res.stdout);
  }

  private store(reqs: readonly FactRequest[], stdout: string): void {
    const parsed = this.source.parse([...reqs], stdout);
    for (const r of reqs) this.values.set(factKey(r), { req: r, value: parsed.get(factKey(r)) });
  }

  /**
   * Write-through after a change: the facts a change makes stale (those it planned from and those about the
   * paths it wrote) are gathered again by the same command, right after the change succeeded. `script` is the
   * gather to append; `apply` stores what it printed (and throws when that output is unusable).
   */
  refresh(reqs: readonly FactRequest[]): { script: string; become: boolean; apply(stdout: string): void } {
    return {
      script: this.source.command([...reqs]),
      become: this.source.needsBecome([...reqs]),
      apply: (stdout) => this.store(reqs, stdout),
    };
  }

  /**
   * The cached requests about the given paths: an argument string equal to a `tree` path or below it, or equal
   * to an `exact` path.
   */
  aboutPaths(tree: readonly string[], exact: readonly string[] = []): FactRequest[] {
    const out: FactRequest[] = [];
    if (tree.length === 0 && exact.length === 0) return out;
    const prefixes = tree.map((p) => (p.endsWith('/') ? p : `${p}/`));
    for (const { req } of this.values.values()) {
      if (req.args === undefined) continue;
      const hit = stringsIn(req.args).some(
        (v) => tree.includes(v) || exact.includes(v) || prefixes.some((p) => v.startsWith(p)),
      );
      if (hit) out.push(req);
    }
    return out;
  }

  /**
   * Of `reqs`, those the rest of the play is expected to ask for again: hinted for a later task, or more than
   * once for the current one (a loop editing one file). Refreshing others would be work nobody uses.
   */
  wantedLater(reqs: readonly FactRequest[]): FactRequest[] {
    const current = new Map<string, number>();
    for (const r of this.hints[this.hintPos]?.reqs ?? []) {
      const k = factKey(r);
      current.set(k, (current.get(k) ?? 0) + 1);
    }
    const later = new Set(this.hints.slice(this.hintPos + 1).flatMap((h) => h.reqs.map(factKey)));
    return reqs.filter((r) => later.has(factKey(r)) || (current.get(factKey(r)) ?? 0) > 1);
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

/** Every string inside a fact's arguments (paths, names), however deeply nested. */
function stringsIn(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(stringsIn);
  if (v !== null && typeof v === 'object') return Object.values(v).flatMap(stringsIn);
  return [];
}
