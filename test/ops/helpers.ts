import type { FileInfo } from '../../src/facts/file.js';
import { getOperation } from '../../src/ops/index.js';
import { type FactRequest, factKey, type Plan } from '../../src/ops/types.js';

/** FactValues from [request, value] pairs. */
export function factValues(...pairs: Array<[FactRequest, unknown]>): Map<string, unknown> {
  return new Map(pairs.map(([r, v]) => [factKey(r), v]));
}

/** Validates args with the operation's schema, then plans with the given facts. */
export function planOp(name: string, rawArgs: unknown, ...pairs: Array<[FactRequest, unknown]>): Plan {
  const op = getOperation(name);
  return op.plan(op.args.parse(rawArgs), factValues(...pairs));
}

/** The fact requests an operation makes for these args (after schema defaults). */
export function factsFor(name: string, rawArgs: unknown): FactRequest[] {
  const op = getOperation(name);
  return op.facts(op.args.parse(rawArgs));
}

export const fileReq = (path: string): FactRequest => ({ fact: 'file', args: { path } });
export const contentReq = (path: string): FactRequest => ({ fact: 'file_content', args: { path } });

export function existingFile(over: Partial<Extract<FileInfo, { exists: true }>> = {}): FileInfo {
  return {
    exists: true,
    type: 'file',
    mode: '0644',
    owner: 'root',
    group: 'root',
    uid: 0,
    gid: 0,
    size: 10,
    sha256: '0'.repeat(64),
    target: null,
    ...over,
  };
}

/** Exec commands of a plan, in order (put steps shown as `put PATH`). */
export function commands(plan: Plan): string[] {
  return plan.steps.map((s) => (s.kind === 'exec' ? s.command : `put ${s.path}`));
}
