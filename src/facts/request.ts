/** A request for a fact, resolved by the executor (cached per host per run). */
export interface FactRequest {
  fact: string;
  args?: unknown;
}

/** The key a fact request's value is stored under (one per fact name and arguments). */
export function factKey(req: FactRequest): string {
  return req.args === undefined ? req.fact : `${req.fact}:${JSON.stringify(req.args)}`;
}
