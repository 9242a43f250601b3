import { randomBytes } from 'node:crypto';
import type { Connector } from '../connect/types.js';
import { UnreachableError } from '../errors/index.js';
import { type FactRequest, factKey, type Operation, type Plan, type Step } from '../ops/types.js';
import type { HostFactCache } from './fact-cache.js';
import { fusedFailure, planCommands } from './fuse.js';
import { type PreviewOutcome, runPreview } from './preview.js';

/** What one operation call on one host produced. Strings here are NOT masked yet (the engine masks). */
export interface OpOutcome {
  changed: boolean;
  failed: boolean;
  summary?: string;
  /** Step displays (check mode, and always available for --diff/-v renderers). */
  plan?: string[];
  diffs?: Plan['diffs'];
  /** The plan's prediction (`Plan.preview`): in check mode, and before the steps of a run showing diffs. */
  preview?: PreviewOutcome;
  /** `changed_when`/`failed_when` given inside the op's arguments (command, shell). */
  conditions?: { changedWhen?: string | boolean; failedWhen?: string | boolean };
  /** A `purpose: 'validate'` step failed: the rendered file was rejected (exit 5). */
  validation?: boolean;
  /** `OpContext.markChange` ran before the steps (the task's notifications are recorded on the host). */
  marked?: boolean;
  /** Last exec step's result (for `register`), or the failing one. */
  rc?: number | null;
  stdout?: string;
  stderr?: string;
  error?: { command?: string; exitCode?: number | null; stdout?: string; stderr?: string; message: string };
}

export interface OpContext {
  connector: Connector;
  facts: HostFactCache;
  /** Other hosts' fact caches, for requests naming a `host` (see FactRequest.host). */
  peers?: (host: string) => HostFactCache | undefined;
  check: boolean;
  /** --diff: also gather the op's diffFacts (e.g. old file contents), and run the plan's preview before its steps. */
  diff?: boolean;
  become?: boolean;
  commandTimeoutMs?: number;
  /**
   * The task declares it changes nothing (`changed_when: false`, e.g. a check command): the facts it planned
   * from and every other cached fact stay valid after it runs.
   */
  readOnly?: boolean;
  /**
   * A step run before the plan's own steps when the plan changes something (fused into their first command):
   * the engine's record of the notifications this change makes (see executor/notify-markers.ts).
   */
  markChange?: Step;
}

/** Separates a command's own stdout from the write-through fact gather appended to it. */
export const REFRESH_MARKER = `@@HAKIT-REFRESH-${randomBytes(6).toString('hex')}@@`;

function ownRequest(r: FactRequest): FactRequest {
  return r.args === undefined ? { fact: r.fact } : { fact: r.fact, args: r.args };
}

/**
 * Requests naming another host go to that host's fact cache, all hosts at once. A host that is not in the run,
 * or cannot answer, leaves its values absent (the planner says what that means); it never fails this host.
 */
async function gatherFromPeers(
  all: readonly FactRequest[],
  facts: Map<string, unknown>,
  ctx: OpContext,
): Promise<void> {
  const byHost = new Map<string, FactRequest[]>();
  for (const r of all)
    if (r.host !== undefined && r.host !== ctx.connector.host)
      byHost.set(r.host, [...(byHost.get(r.host) ?? []), r]);
  await Promise.all(
    [...byHost].map(async ([host, rs]) => {
      const cache = ctx.peers?.(host);
      if (!cache) return;
      try {
        const got = await cache.get(
          rs.map(ownRequest),
          ctx.commandTimeoutMs ? { timeoutMs: ctx.commandTimeoutMs } : {},
        );
        for (const r of rs) facts.set(factKey(r), got.get(factKey(ownRequest(r))));
      } catch {
        // unreachable or failing peer: its facts stay absent
      }
    }),
  );
}

/** The text shown for a step: its `display`, else the command, else `put PATH` (stdin/contents never shown). */
export function stepDisplay(step: Step): string {
  if (step.display) return step.display;
  if (step.kind === 'exec') return step.command;
  return `put ${step.path}${step.mode !== undefined ? ` (mode ${step.mode.toString(8).padStart(4, '0')})` : ''}`;
}

/**
 * args → facts (one round trip for the missing ones) → plan → preview (check mode or --diff) → steps. An empty
 * plan is ok; otherwise the steps run in order (not in check mode) and the first failing one ends the call with
 * its CommandResult.
 */
export async function runOperation(
  op: Operation<unknown>,
  args: unknown,
  ctx: OpContext,
): Promise<OpOutcome> {
  const all = [...op.facts(args), ...(ctx.diff && op.diffFacts ? op.diffFacts(args) : [])];
  const mine = all.filter((r) => r.host === undefined || r.host === ctx.connector.host);
  const reqs = mine.map((r) => (r.host === undefined ? r : ownRequest(r)));
  const facts = reqs.length
    ? await ctx.facts.get(reqs, ctx.commandTimeoutMs ? { timeoutMs: ctx.commandTimeoutMs } : {})
    : new Map<string, unknown>();
  // A request naming this host is its own fact, also stored under the key the planner looks up.
  for (const r of mine) if (r.host !== undefined) facts.set(factKey(r), facts.get(factKey(ownRequest(r))));
  await gatherFromPeers(all, facts, ctx);
  const plan = op.plan(args, facts);
  const displays = plan.steps.map(stepDisplay);
  const base: OpOutcome = {
    changed: plan.steps.length > 0 && !plan.noChange,
    failed: false,
    ...(plan.summary ? { summary: plan.summary } : {}),
    plan: displays,
    ...(plan.diffs?.length ? { diffs: plan.diffs } : {}),
  };
  if (plan.steps.length === 0) return base;
  // Read-only, so it neither needs nor invalidates facts; in a real run it predicts from the state before the steps.
  if (plan.preview && (ctx.check || ctx.diff)) base.preview = await runPreview(plan.preview, ctx);
  if (ctx.check) return base;

  const changes = !plan.noChange && !ctx.readOnly;
  const steps = changes && ctx.markChange ? [ctx.markChange, ...plan.steps] : plan.steps;
  const stepDisplays = steps === plan.steps ? displays : steps.map(stepDisplay);
  if (steps !== plan.steps) base.marked = true;
  const commands = planCommands(steps, ctx.connector.posixShell === true);
  const refresh = changes ? writeThrough(ctx, plan, reqs, commands) : undefined;
  let refreshed = false;
  let last: { rc: number | null; stdout: string; stderr: string } | undefined;
  for (const [ci, cmd] of commands.entries()) {
    const first = cmd.indices[0]!;
    if ('put' in cmd) {
      try {
        await ctx.connector.putFile(cmd.put.path, cmd.put.content, cmd.put.mode);
      } catch (err) {
        if (!ctx.readOnly) invalidate(ctx, plan, reqs);
        if (err instanceof UnreachableError) throw err;
        return { ...base, failed: true, error: { command: stepDisplays[first], message: errMessage(err) } };
      }
      continue;
    }
    const timeoutMs = cmd.timeoutMs ?? ctx.commandTimeoutMs;
    const lone = cmd.indices.length === 1 ? steps[first] : undefined;
    const okCodes = lone?.kind === 'exec' && lone.okCodes ? lone.okCodes : [0];
    const withRefresh = refresh && ci === commands.length - 1 ? refresh : undefined;
    const res = await ctx.connector.exec(
      withRefresh ? appendRefresh(cmd.command, okCodes, withRefresh.script) : cmd.command,
      {
        ...(cmd.stdin !== undefined ? { stdin: cmd.stdin } : {}),
        ...(ctx.become !== undefined ? { become: ctx.become } : {}),
        ...(timeoutMs ? { timeoutMs } : {}),
      },
    );
    const ok = res.exitCode !== null && okCodes.includes(res.exitCode);
    if (withRefresh) {
      const cut = res.stdout.lastIndexOf(`\n${REFRESH_MARKER}\n`);
      const own = cut >= 0 ? res.stdout.slice(0, cut) : res.stdout;
      if (ok) {
        try {
          if (cut < 0) throw new Error('no refresh output');
          withRefresh.apply(res.stdout.slice(cut + REFRESH_MARKER.length + 2));
          ctx.facts.invalidate(withRefresh.drop);
          refreshed = true;
        } catch {
          // Unusable gather output: fall back to dropping the stale facts (they are gathered when needed).
        }
      }
      res.stdout = own;
    }
    last = { rc: res.exitCode, stdout: res.stdout, stderr: res.stderr };
    if (ok) continue;
    if (!ctx.readOnly) invalidate(ctx, plan, reqs);
    // A fused command names its failing step in a marker line; otherwise the command is one step.
    const marked = fusedFailure(res.stderr);
    const index = marked?.index ?? first;
    const step = steps[index];
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
        command: stepDisplays[index] as string,
        exitCode: rc,
        stdout: res.stdout,
        stderr,
        message: `${validation ? 'validation failed' : 'command failed'} (${rc === null ? (res.signal ?? 'killed') : `exit ${rc}`}) after ${res.durationMs} ms`,
      },
    };
  }
  if (changes && !refreshed) invalidate(ctx, plan, reqs);
  return { ...base, ...(last ? { rc: last.rc, stdout: last.stdout, stderr: last.stderr } : {}) };
}

/**
 * The facts a change made stale: those the operation planned from, and every cached fact about a path it wrote
 * or touched (e.g. `authorized_keys:{user}` and `file:{path}` after an authorized_key task). `all` when the
 * plan names no paths: its effects are not known path by path.
 */
function staleFacts(ctx: OpContext, plan: Plan, used: readonly FactRequest[]): FactRequest[] | 'all' {
  const tree = [...(plan.diffs?.map((d) => d.path) ?? []), ...(plan.touches?.tree ?? [])];
  const exact = plan.touches?.exact ?? [];
  if (tree.length === 0 && exact.length === 0) return 'all';
  const out = new Map<string, FactRequest>();
  for (const r of [...used, ...ctx.facts.aboutPaths(tree, exact)]) out.set(factKey(r), r);
  return [...out.values()];
}

/** Drops the stale facts (all non-base facts when the change's effects are unknown). */
function invalidate(ctx: OpContext, plan: Plan, used: readonly FactRequest[]): void {
  const stale = staleFacts(ctx, plan, used);
  if (stale === 'all') ctx.facts.invalidateAll(ctx.facts.baseRequests);
  else ctx.facts.invalidate(stale);
}

interface WriteThrough extends ReturnType<HostFactCache['refresh']> {
  /** Stale facts not worth re-gathering (nothing later asks for them): dropped once the change succeeded. */
  drop: FactRequest[];
}

/**
 * The write-through gather for a change with known effects, run by the plan's last command right after it
 * succeeds: the stale facts that later tasks (or later items of this loop) will ask for. Undefined when it
 * cannot be done exactly or is not worth it: unknown effects, no POSIX shell, a last step that is a plain
 * upload, nothing wanted later, or facts that need root while the command may run without it.
 */
function writeThrough(
  ctx: OpContext,
  plan: Plan,
  used: readonly FactRequest[],
  commands: ReturnType<typeof planCommands>,
): WriteThrough | undefined {
  const lastCmd = commands[commands.length - 1];
  if (ctx.connector.posixShell !== true || !lastCmd || 'put' in lastCmd) return undefined;
  const stale = staleFacts(ctx, plan, used);
  if (stale === 'all') return undefined;
  const wanted = ctx.facts.wantedLater(stale);
  if (wanted.length === 0) return undefined;
  const refresh = ctx.facts.refresh(wanted);
  const privileged = ctx.become === true || ctx.connector.loginUser === 'root';
  if (refresh.become && !privileged) return undefined;
  const keep = new Set(wanted.map(factKey));
  return { ...refresh, drop: stale.filter((r) => !keep.has(factKey(r))) };
}

/**
 * `command`, then (only when it exited with an accepted code) a marker line and the gather. The command runs in
 * a subshell so its own `exit` cannot skip the gather; the whole keeps the command's exit code.
 */
export function appendRefresh(command: string, okCodes: readonly number[], gather: string): string {
  return [
    `(\n${command}\n)`,
    '__hk_rc=$?',
    `case " ${okCodes.join(' ')} " in *" $__hk_rc "*) printf '\\n%s\\n' '${REFRESH_MARKER}'`,
    gather,
    ';; esac',
    'exit "$__hk_rc"',
  ].join('\n');
}

function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
