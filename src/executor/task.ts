import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { Connector } from '../connect/types.js';
import { HakitError, HostKeyError, UnreachableError } from '../errors/index.js';
import type { HostStatus } from '../events/types.js';
import type { FactRequest, Operation, Step } from '../ops/types.js';
import { ExprError, evalCondition } from '../playbook/expr.js';
import type { TargetNode } from '../playbook/hosts.js';
import type { ArgRenderer } from '../playbook/template.js';
import type { Play, SourceRef, Task } from '../playbook/types.js';
import type { FactHint, HostFactCache } from './fact-cache.js';
import type { PreviewOutcome } from './preview.js';
import { type OpOutcome, runOperation } from './run-op.js';
import type { RunOptions } from './types.js';

/** Per-host state for the whole run. */
export interface HostState {
  name: string;
  node: TargetNode;
  connector: Connector;
  facts: HostFactCache;
  /** `register`ed results, visible as variables in later tasks. */
  registered: Record<string, unknown>;
  /** A task failed here (not ignored): the host runs nothing more. */
  failed: boolean;
  unreachable: boolean;
  /** Another targeted host's fact cache (for FactRequest.host); undefined when it is not reachable in this run. */
  peers?: (host: string) => HostFactCache | undefined;
}

/** What one task did on one host (before masking). */
export interface TaskHostOutcome {
  status: HostStatus;
  ignored?: boolean;
  /** The failure was a rejected rendered file (a validate step): the run exits 5. */
  validation?: boolean;
  message?: string;
  plan?: string[];
  diffs?: OpOutcome['diffs'];
  /** What the change would do, predicted by the plan's preview (loop items' texts one after the other). */
  preview?: PreviewOutcome;
  error?: OpOutcome['error'];
  /** The value `register` stores. */
  result: Record<string, unknown>;
  /** The task's notifications were recorded on the host before its change ran (TaskContext.markChange). */
  marked?: boolean;
}

export interface TaskContext {
  opts: RunOptions;
  renderer: ArgRenderer;
  play: Play;
  /** The host's variables for this play (inventory vars, play vars, registered results, facts). */
  scope: Record<string, unknown>;
  /**
   * Run before the task's change, when its plan changes something: records the notifications the change makes.
   * Only used when "changed" is the plan's own verdict (no changed_when), so a marker never outlives a change that
   * did not happen.
   */
  markChange?: Step;
}

const NO_ITEM = Symbol('no-item');

/**
 * Runs one task on one host: `when` (per loop item) → templated args → operation → changed_when/failed_when →
 * register. Never throws: problems become a failed (or unreachable) outcome.
 */
export async function runTaskOnHost(task: Task, host: HostState, ctx: TaskContext): Promise<TaskHostOutcome> {
  try {
    const scope = { ...ctx.scope, ...renderTaskVars(task, ctx) };
    const items = resolveLoop(task, scope, ctx);
    const results: Array<Record<string, unknown>> = [];
    const outcomes: OpOutcome[] = [];
    let lastOutcome: OpOutcome | undefined;
    let anyRan = false;
    for (const item of items) {
      const s = item === NO_ITEM ? scope : { ...scope, [task.loopVar]: item };
      if (!task.when.every((w) => evalCondition(w, s))) {
        results.push({ skipped: true, changed: false, failed: false, ...(item === NO_ITEM ? {} : { item }) });
        continue;
      }
      anyRan = true;
      const outcome = await invoke(task, s, host, ctx);
      lastOutcome = outcome;
      outcomes.push(outcome);
      results.push({ ...toResult(outcome), ...(item === NO_ITEM ? {} : { item }) });
      if (
        outcome.failed &&
        !task.ignoreErrors &&
        task.failedWhen === undefined &&
        !outcome.conditions?.failedWhen
      )
        break;
    }
    if (!anyRan) {
      const message = items.length === 0 ? 'no loop items' : 'condition false';
      return { status: 'skipped', message, result: { skipped: true, changed: false, failed: false } };
    }
    const result: Record<string, unknown> =
      task.loop === undefined
        ? (results[0] as Record<string, unknown>)
        : {
            changed: results.some((r) => r.changed === true),
            failed: results.some((r) => r.failed === true),
            skipped: false,
            results,
          };
    const condScope = { ...scope, result, ...(task.register ? { [task.register]: result } : {}) };
    // changed_when/failed_when: task keywords, or (for command/shell) the same keys inside the op's arguments.
    const failedWhen = task.failedWhen ?? lastOutcome?.conditions?.failedWhen;
    const changedWhen = task.changedWhen ?? lastOutcome?.conditions?.changedWhen;
    if (failedWhen !== undefined) result.failed = evalCondition(failedWhen, condScope);
    if (changedWhen !== undefined && !(ctx.opts.check && task.checkMode !== false))
      result.changed = evalCondition(changedWhen, condScope);
    const failed = result.failed === true;
    const changed = result.changed === true;
    const preview = mergePreviews(outcomes.flatMap((o) => (o.preview ? [o.preview] : [])));
    const failingError =
      lastOutcome?.error ?? (failed ? { message: `failed_when is true: ${String(failedWhen)}` } : undefined);
    const out: TaskHostOutcome = {
      status: failed ? 'failed' : changed ? 'changed' : 'ok',
      result,
      ...(lastOutcome?.summary ? { message: lastOutcome.summary } : {}),
      ...(outcomes.some((o) => o.diffs?.length) ? { diffs: outcomes.flatMap((o) => o.diffs ?? []) } : {}),
      ...(preview ? { preview } : {}),
      ...(ctx.opts.check && outcomes.some((o) => o.plan?.length)
        ? { plan: outcomes.flatMap((o) => o.plan ?? []) }
        : {}),
      ...(failed && failingError ? { error: failingError } : {}),
    };
    if (failed && task.ignoreErrors) out.ignored = true;
    if (failed && outcomes.some((o) => o.validation)) out.validation = true;
    if (outcomes.some((o) => o.marked)) out.marked = true;
    return out;
  } catch (err) {
    if (err instanceof UnreachableError || err instanceof HostKeyError) {
      return {
        status: 'unreachable',
        message: err.message,
        error: { message: err.message },
        result: { unreachable: true },
      };
    }
    const message = describeError(err, task.where);
    const out: TaskHostOutcome = {
      status: 'failed',
      message,
      error: { message },
      result: { failed: true, msg: message },
    };
    if (task.ignoreErrors) out.ignored = true;
    return out;
  }
}

/** One prediction per task: the first title, every item's text; unavailable only when none was available. */
function mergePreviews(ps: PreviewOutcome[]): PreviewOutcome | undefined {
  const [first] = ps;
  if (!first || ps.length === 1) return first;
  return {
    title: first.title,
    text: ps.map((p) => p.text).join('\n'),
    ...(ps.every((p) => p.unavailable) ? { unavailable: true } : {}),
  };
}

function toResult(o: OpOutcome): Record<string, unknown> {
  return {
    changed: o.changed,
    failed: o.failed,
    skipped: false,
    ...(o.rc !== undefined ? { rc: o.rc } : {}),
    ...(o.stdout !== undefined
      ? { stdout: o.stdout, stdout_lines: o.stdout.split('\n').filter((l) => l !== '') }
      : {}),
    ...(o.stderr !== undefined ? { stderr: o.stderr } : {}),
    ...(o.summary ? { msg: o.summary } : {}),
  };
}

function renderTaskVars(task: Task, ctx: TaskContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(task.vars)) out[k] = ctx.renderer.render(v, { ...ctx.scope, ...out });
  return out;
}

function resolveLoop(
  task: Task,
  scope: Record<string, unknown>,
  ctx: TaskContext,
): Array<unknown | typeof NO_ITEM> {
  if (task.loop === undefined) return [NO_ITEM];
  const v = ctx.renderer.render(task.loop, scope);
  if (!Array.isArray(v))
    throw new HakitError(`loop must be a list, got ${v === null ? 'null' : typeof v}`, { code: 'E_LOOP' });
  return v;
}

/** Templated, schema-checked arguments and the operation they go to. */
async function prepareOp(
  task: Task,
  scope: Record<string, unknown>,
  ctx: TaskContext,
): Promise<{ op: Operation<unknown>; args: unknown }> {
  const rendered = ctx.renderer.render(task.args, scope);
  let opName = task.op;
  let rawArgs = rendered;
  if (task.op === 'template') ({ opName, rawArgs } = await prepareTemplate(rendered, scope, ctx));
  if (FILE_OPS.has(task.op)) rawArgs = resolveConfigFile(task.op, rendered, scope, ctx);
  if (task.op === 'selinux_policy')
    rawArgs = resolveFromState('selinux_policy', 'selinux', rendered, scope, ctx);
  if (task.op === 'firewall') rawArgs = resolveFromState('firewall', 'firewall', rendered, scope, ctx);
  const op = ctx.opts.ops.get(opName) as Operation<unknown> | undefined;
  if (!op) throw new HakitError(`unknown operation "${opName}"`, { code: 'E_OP' });
  const parsed = op.args.safeParse(rawArgs);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map((i) => `${[task.op, ...i.path.map(String)].join('.')}: ${i.message}`)
      .join('; ');
    throw new HakitError(`invalid arguments: ${issues}`, { code: 'E_ARGS' });
  }
  return { op, args: parsed.data };
}

async function invoke(
  task: Task,
  scope: Record<string, unknown>,
  host: HostState,
  ctx: TaskContext,
): Promise<OpOutcome> {
  const { op, args } = await prepareOp(task, scope, ctx);
  const become = task.become ?? ctx.play.become;
  const conditions = pickConditions(args);
  const changedWhen = task.changedWhen ?? conditions?.changedWhen;
  const outcome = await runOperation(op, args, {
    connector: host.connector,
    facts: host.facts,
    ...(host.peers ? { peers: host.peers } : {}),
    check: (ctx.opts.check ?? false) && task.checkMode !== false,
    diff: ctx.opts.showDiff ?? false,
    ...(become !== undefined ? { become } : {}),
    ...(ctx.opts.commandTimeoutMs ? { commandTimeoutMs: ctx.opts.commandTimeoutMs } : {}),
    ...(declaresNoChange(changedWhen) ? { readOnly: true } : {}),
    ...(ctx.markChange && changedWhen === undefined ? { markChange: ctx.markChange } : {}),
  });
  return conditions ? { ...outcome, conditions } : outcome;
}

/**
 * Operations whose changes name the paths they affect (so a change drops only the facts about those paths).
 * Any other operation (command, shell, service, package, user, group, registered TypeScript operations) may
 * drop every fact when it changes something. Only a performance hint: a wrong entry costs round trips, never
 * correctness.
 */
const PATH_SCOPED_OPS = new Set([
  'file',
  'copy',
  'template',
  'lineinfile',
  'blockinfile',
  'authorized_key',
  'sysctl',
  'wait_for',
]);

/**
 * The facts the given tasks will ask for on this host, as far as they can be known before the play runs: tasks
 * (and loop items) whose arguments render from the host's variables. Tasks that depend on what an earlier task
 * registers, or whose `when` is false now, are left out; they gather their own facts when they run. Gathering
 * these up front is safe because a task that changes a host drops the facts it may have made stale.
 */
export async function predictFactRequests(
  tasks: readonly Task[],
  scope: Record<string, unknown>,
  ctx: Omit<TaskContext, 'scope'>,
): Promise<Array<FactHint & { task: Task; reqs: FactRequest[] }>> {
  const perTask: Array<FactHint & { task: Task; reqs: FactRequest[] }> = [];
  const full: TaskContext = { ...ctx, scope };
  for (const task of tasks) {
    if (task.op === 'meta') continue;
    const out: FactRequest[] = [];
    const readOnly = task.changedWhen === false || task.changedWhen === 'false';
    perTask.push({
      task,
      reqs: out,
      ...(!readOnly && !PATH_SCOPED_OPS.has(task.op) ? { opaque: true } : {}),
    });
    try {
      const s = { ...scope, ...renderTaskVars(task, full) };
      for (const item of resolveLoop(task, s, full)) {
        const is = item === NO_ITEM ? s : { ...s, [task.loopVar]: item };
        try {
          if (!task.when.every((w) => evalCondition(w, is))) continue;
        } catch {
          // depends on something not known yet (a registered result): gather what its args need anyway
        }
        const { op, args } = await prepareOp(task, is, full);
        const wanted = [...op.facts(args), ...(ctx.opts.showDiff && op.diffFacts ? op.diffFacts(args) : [])];
        // Facts of other hosts are gathered there when the task runs.
        out.push(...wanted.filter((r) => r.host === undefined));
      }
    } catch {
      // Not predictable now (e.g. arguments from a registered result): the task gathers its facts itself.
    }
  }
  return perTask;
}

/** `changed_when: false`: the task declares it changes nothing (a check), so it keeps every cached fact. */
function declaresNoChange(changedWhen: string | boolean | undefined): boolean {
  return changedWhen === false || changedWhen === 'false';
}

function pickConditions(args: unknown): OpOutcome['conditions'] {
  if (args === null || typeof args !== 'object') return undefined;
  const a = args as { changed_when?: unknown; failed_when?: unknown };
  const ok = (v: unknown): v is string | boolean => typeof v === 'string' || typeof v === 'boolean';
  if (!ok(a.changed_when) && !ok(a.failed_when)) return undefined;
  return {
    ...(ok(a.changed_when) ? { changedWhen: a.changed_when } : {}),
    ...(ok(a.failed_when) ? { failedWhen: a.failed_when } : {}),
  };
}

/**
 * `template: {src, dest, context?, ...}` reads `src` from the templates directories, renders it (with the host's
 * variables, or with `context` when given, e.g. `context: "{{ views.chrony }}"`) and hands
 * `{dest, content, ...rest}` to the registered `template` operation (an atomic file write).
 * Without `src`, the arguments go to the operation unchanged (`content` given inline).
 */
async function prepareTemplate(
  args: unknown,
  scope: Record<string, unknown>,
  ctx: TaskContext,
): Promise<{ opName: string; rawArgs: unknown }> {
  if (args === null || typeof args !== 'object' || Array.isArray(args) || !('src' in args))
    return { opName: 'template', rawArgs: args };
  const { src, context, ...rest } = args as Record<string, unknown>;
  if (typeof src !== 'string' || src === '')
    throw new HakitError('template: src must be a file name', { code: 'E_ARGS' });
  if (context !== undefined && (context === null || typeof context !== 'object'))
    throw new HakitError('template: context must be a mapping (e.g. "{{ views.chrony }}")', {
      code: 'E_ARGS',
    });
  const dirs = ctx.opts.templatesDirs ?? ['templates'];
  const candidates = isAbsolute(src) ? [src] : dirs.map((d) => join(d, src));
  let source: string | undefined;
  for (const file of candidates) {
    try {
      source = await readFile(file, 'utf8');
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  if (source === undefined)
    throw new HakitError(`template: ${src} not found in ${dirs.join(', ')}`, { code: 'E_TEMPLATE' });
  const content = ctx.renderer.text(source, (context as Record<string, unknown> | undefined) ?? scope);
  return { opName: 'template', rawArgs: { ...rest, content } };
}

/** Operations whose `file` argument names a file of the host's desired state (resolved into `spec`). */
const FILE_OPS = new Set(['config_file', 'pacemaker_cib']);

/**
 * `config_file: {file: ID}`: the file comes from the host's desired state (bytes, path, mode, owner, validator),
 * so a playbook never retypes what the component decided.
 */
function resolveConfigFile(
  op: string,
  args: unknown,
  scope: Record<string, unknown>,
  ctx: TaskContext,
): unknown {
  if (args === null || typeof args !== 'object' || Array.isArray(args)) return args;
  const id = (args as { file?: unknown }).file ?? (op === 'pacemaker_cib' ? 'cib' : undefined);
  if (typeof id !== 'string') return args;
  if (!ctx.opts.desired)
    throw new HakitError('config_file: this run has no desired state (run it with hakit run/bootstrap)', {
      code: 'E_ARGS',
    });
  const host = String(scope.host);
  const state = ctx.opts.desired(host, (scope.facts ?? {}) as Record<string, unknown>);
  const f = state.files.find((x) => x.id === id);
  if (!f)
    throw new HakitError(
      `config_file: ${host} has no file "${id}" in its desired state (it has: ${state.files.map((x) => x.id).join(', ') || 'none'})`,
      { code: 'E_ARGS' },
    );
  const spec = {
    dest: f.path,
    content: f.binary ? f.binary() : f.content,
    mode: f.mode.toString(8).padStart(4, '0'),
    ...(f.owner ? { owner: f.owner } : {}),
    ...(f.group ? { group: f.group } : {}),
    ...(f.validate ? { validate: f.validate } : {}),
    sensitive: f.sensitive,
    ...(f.block ? { block: f.block } : {}),
  };
  return { ...(args as object), file: id, spec };
}

/**
 * `selinux_policy: {}` and `firewall: {}`: the ports to label and booleans to set, or the firewall's rules, come
 * from the host's desired state (the components' needs), so a playbook never retypes a port list.
 */
function resolveFromState(
  op: string,
  part: 'selinux' | 'firewall',
  args: unknown,
  scope: Record<string, unknown>,
  ctx: TaskContext,
): unknown {
  if (args === null || typeof args !== 'object' || Array.isArray(args)) return args;
  if (!ctx.opts.desired)
    throw new HakitError(`${op}: this run has no desired state (run it with hakit run/bootstrap)`, {
      code: 'E_ARGS',
    });
  const host = String(scope.host);
  const state = ctx.opts.desired(host, (scope.facts ?? {}) as Record<string, unknown>);
  const value = state[part];
  if (!value)
    throw new HakitError(`${op}: the desired state of ${host} has no ${part} part`, {
      code: 'E_ARGS',
    });
  return { ...args, spec: { node: host, ...value } };
}

function describeError(err: unknown, where: SourceRef): string {
  const at = `${where.file}:${where.line}:${where.column}`;
  if (err instanceof ExprError) return `${at}: expression error: ${err.message}`;
  if (err instanceof Error && err.name === 'TemplateError') return `${at}: template error: ${err.message}`;
  if (err instanceof HakitError && ['E_ARGS', 'E_LOOP', 'E_OP', 'E_TEMPLATE'].includes(err.code))
    return `${at}: ${err.message}`;
  if (err instanceof Error) return err.message;
  return String(err);
}
