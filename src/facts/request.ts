/** A request for a fact, resolved by the executor (cached per host per run). */
export interface FactRequest {
  fact: string;
  args?: unknown;
  /**
   * Gather it on this other inventory host (for cluster decisions that need every member's state, e.g. which
   * Galera node bootstraps). Its value is absent from the planner's facts when that host is not part of the run
   * or cannot answer: the planner decides what that means.
   */
  host?: string;
}

/** The key a fact request's value is stored under (one per fact name and arguments). */
export function factKey(req: FactRequest): string {
  const own = req.args === undefined ? req.fact : `${req.fact}:${JSON.stringify(req.args)}`;
  return req.host === undefined ? own : `@${req.host}:${own}`;
}
