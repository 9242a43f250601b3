import type { z } from 'zod';
import type { FactRequest } from '../facts/request.js';

export type { FactRequest } from '../facts/request.js';
export { factKey } from '../facts/request.js';

/**
 * An operation is a pure planner: (args, facts) → steps. Only the executor touches a host.
 * A non-empty plan means "changed"; an empty one means the host already is as asked.
 */
export type Step =
  | {
      kind: 'exec';
      command: string;
      /** Bytes for stdin (e.g. a file body or a password); never shown. */
      stdin?: string;
      /** Exit codes that count as success; default [0]. */
      okCodes?: number[];
      /** Text shown instead of the command in plans and logs (when the command carries secrets). */
      display?: string;
      /** Extension: kill the command after this long (bounded waits such as `wait_for`). */
      timeoutMs?: number;
      /**
       * Extension: what the step is for. `validate` marks the check of a rendered file before it replaces the
       * old one: when it fails the executor should raise a ValidationError (exit 5) instead of a task failure.
       */
      purpose?: 'validate';
    }
  | {
      kind: 'put';
      /** Remote path, usually a temp path next to the destination; a later exec step moves it into place. */
      path: string;
      content: string | Buffer;
      mode?: number;
      display?: string;
    };

export interface FileDiff {
  path: string;
  before: string | null;
  after: string | null;
  /** When true the diff body is withheld (a secret file): only "content changed" is shown. */
  sensitive?: boolean;
}

export interface Plan {
  steps: Step[];
  /** Human summary of what the steps do, e.g. "write /etc/chrony/chrony.conf (mode 0644)". */
  summary?: string;
  diffs?: FileDiff[];
  /**
   * Extension: paths the steps may change besides those in `diffs` (whose facts, and the facts of paths below
   * them, go stale): `tree` paths with everything below them, `exact` paths alone (e.g. the parents `mkdir -p`
   * may create). A changing plan with neither `diffs` nor `touches` makes every non-base fact stale.
   */
  touches?: { tree?: string[]; exact?: string[] };
  /**
   * Extension: the steps only wait or check (e.g. `wait_for`): when they succeed the task is "ok", not
   * "changed". Absent/false: a non-empty plan means changed.
   */
  noChange?: boolean;
  /**
   * Extension: a read-only command that predicts what the steps would do (e.g. `crm_simulate` on the CIB the
   * steps would push). The executor runs it only for a non-empty plan: in check mode (where no step runs), and
   * in a real run that shows diffs, before the first step. Its text goes with the task's result, masked like
   * all output. A failing preview never fails the task: the result then says "prediction unavailable: …".
   */
  preview?: Preview;
}

/** A plan's prediction (see `Plan.preview`). */
export interface Preview {
  /** What predicts, shown above the text, e.g. "crm_simulate on the live status". */
  title: string;
  /**
   * A shell command that changes nothing on the host. Never put a secret here (process lists show command
   * lines): pass it on `stdin`.
   */
  command: string;
  /** Bytes for stdin (e.g. a CIB holding fence passwords); never shown. */
  stdin?: string;
  /** Text shown instead of the command (e.g. in "prediction unavailable: …"). */
  display?: string;
  /** Exit codes that count as success; default [0]. Another code makes the prediction unavailable. */
  okCodes?: number[];
  /** Kill the command after this long (default: the run's command timeout). */
  timeoutMs?: number;
  /**
   * Pure: the command's stdout (after an accepted exit code) → the text shown. Throw when the output is not
   * understood: the prediction is then unavailable, with the error's message as the reason.
   */
  render(stdout: string, exitCode: number): string;
}

/** The facts an operation asked for, keyed by `factKey(request)`. */
export type FactValues = ReadonlyMap<string, unknown>;

export interface Operation<A = unknown> {
  name: string;
  /** Arguments schema; errors surface with the playbook's file:line. */
  args: z.ZodType<A>;
  /** Facts the planner needs (can depend on args). */
  facts(args: A): FactRequest[];
  /**
   * Extension: facts worth gathering only when the run shows diffs (--diff), e.g. the old content of a
   * file. The planner uses them when present and never requires them.
   */
  diffFacts?(args: A): FactRequest[];
  /** Pure: never does I/O. */
  plan(args: A, facts: FactValues): Plan;
}

/** Any operation, whatever its argument type (what the registry holds). */
// biome-ignore lint/suspicious/noExplicitAny: a registry holds operations of every argument type
export type AnyOperation = Operation<any>;
