import type { Connector } from '../connect/types.js';
import { UnreachableError } from '../errors/index.js';
import type { FactRequest, Operation, Plan, Step } from '../ops/types.js';
import type { HostFactCache } from './fact-cache.js';
import { fusedFailure, planCommands } from './fuse.js';

/** What one operation call on one host produced. Strings here are NOT masked yet (the engine masks). */
export interface OpOutcome {
  changed: boolean;
  failed: boolean;
  summary?: string;
  /** Step displays (check mode, and always available for --diff/-v renderers). */
  plan?: string[];
  diffs?: Plan['diffs'];
  /** `changed_when`/`failed_when` given inside the op's arguments (command, shell). */
  conditions?: { changedWhen?: string | boolean; failedWhen?: string | boolean };
  /** A `purpose: 'validate'` step failed: the rendered file was rejected (exit 5). */
  validation?: boolean;
  /** Last exec step's result (for `register`), or the failing one. */
  rc?: number | null;
  stdout?: string;
  stderr?: string;
  error?: { command?: string; exitCode?: number | null; stdout?: string; stderr?: string; message: string };
}

export interface OpContext {
  connector: Connector;
  facts: HostFactCache;
  check: boolean;
  /** --diff: also gather the op's diffFacts (e.g. old file contents). */
  diff?: boolean;
  become?: boolean;
  commandTimeoutMs?: number;
}

/** The text shown for a step: its `display`, else the command, else `put PATH` (stdin/contents never shown). */
export function stepDisplay(step: Step): string {
  if (step.display) return step.display;
  if (step.kind === 'exec') return step.command;
  return `put ${step.path}${step.mode !== undefined ? ` (mode ${step.mode.toString(8).padStart(4, '0')})` : ''}`;
}

/**
 * args → facts (one round trip for the missing ones) → plan → steps. An empty plan is ok; otherwise the
 * steps run in order (not in check mode) and the first failing one ends the call with its CommandResult.
 */
export async function runOperation(
  op: Operation<unknown>,
  args: unknown,
  ctx: OpContext,
): Promise<OpOutcome> {
  const reqs = [...op.facts(args), ...(ctx.diff && op.diffFacts ? op.diffFacts(args) : [])];
  const facts = reqs.length
    ? await ctx.facts.get(reqs, ctx.commandTimeoutMs ? { timeoutMs: ctx.commandTimeoutMs } : {})
    : new Map<string, unknown>();
  const plan = op.plan(args, facts);
  const displays = plan.steps.map(stepDisplay);
  const base: OpOutcome = {
    changed: plan.steps.length > 0 && !plan.noChange,
    failed: false,
    ...(plan.summary ? { summary: plan.summary } : {}),
    plan: displays,
    ...(plan.diffs?.length ? { diffs: plan.diffs } : {}),
  };
  if (plan.steps.length === 0 || ctx.check) return base;

  let last: { rc: number | null; stdout: string; stderr: string } | undefined;
  for (const cmd of planCommands(plan.steps, ctx.connector.posixShell === true)) {
    const first = cmd.indices[0]!;
    if ('put' in cmd) {
      try {
        await ctx.connector.putFile(cmd.put.path, cmd.put.content, cmd.put.mode);
      } catch (err) {
        invalidate(ctx, plan, reqs);
        if (err instanceof UnreachableError) throw err;
        return { ...base, failed: true, error: { command: displays[first], message: errMessage(err) } };
      }
      continue;
    }
    const timeoutMs = cmd.timeoutMs ?? ctx.commandTimeoutMs;
    const res = await ctx.connector.exec(cmd.command, {
      ...(cmd.stdin !== undefined ? { stdin: cmd.stdin } : {}),
      ...(ctx.become !== undefined ? { become: ctx.become } : {}),
      ...(timeoutMs ? { timeoutMs } : {}),
    });
    const lone = cmd.indices.length === 1 ? plan.steps[first] : undefined;
    const okCodes = lone?.kind === 'exec' && lone.okCodes ? lone.okCodes : [0];
    last = { rc: res.exitCode, stdout: res.stdout, stderr: res.stderr };
    if (res.exitCode !== null && okCodes.includes(res.exitCode)) continue;
    invalidate(ctx, plan, reqs);
    // A fused command names its failing step in a marker line; otherwise the command is one step.
    const marked = fusedFailure(res.stderr);
    const index = marked?.index ?? first;
    const step = plan.steps[index];
    const stderr = marked?.stderr ?? res.stderr;
    const rc = marked ? marked.rc : res.exitCode;
    const validation = step?.kind === 'exec' && step.purpose === 'validate';
    return {
      ...base,
      failed: true,
      ...(validation ? { validation: true } : {}),
      rc,
      stdout: res.stdout,
      stderr,
      error: {
        command: displays[index] as string,
        exitCode: rc,
        stdout: res.stdout,
        stderr,
        message: `${validation ? 'validation failed' : 'command failed'} (${rc === null ? (res.signal ?? 'killed') : `exit ${rc}`}) after ${res.durationMs} ms`,
      },
    };
  }
  if (!plan.noChange) invalidate(ctx, plan, reqs);
  return { ...base, ...(last ? { rc: last.rc, stdout: last.stdout, stderr: last.stderr } : {}) };
}

/**
 * After a change (or a partial one), the facts this operation planned from are stale, and so is every fact
 * about a path it wrote (e.g. `authorized_keys:{user}` and `file:{path}` after an authorized_key task). A change
 * that wrote no known file drops all non-base facts, since its effects are not known path by path.
 */
function invalidate(ctx: OpContext, plan: Plan, used: readonly FactRequest[]): void {
  const paths = plan.diffs?.map((d) => d.path) ?? [];
  if (paths.length > 0) {
    ctx.facts.invalidatePaths(paths);
    ctx.facts.invalidate(used);
  } else ctx.facts.invalidateAll(ctx.facts.baseRequests);
}

function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
