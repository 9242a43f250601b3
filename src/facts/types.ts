import type { z } from 'zod';

/**
 * A fact is a small declarative object: a shell command and a parser whose result zod checks.
 * Several facts are gathered in one round trip; results are cached for the run.
 */
export interface Fact<T = unknown, A = void> {
  name: string;
  /**
   * Schema of the fact's arguments (extension): checked by `batchFactCommand`/`parseFactBatch` before the
   * command is built, so a bad path or package name never reaches a shell. Absent for facts without arguments.
   */
  args?: z.ZodType<A>;
  /**
   * Shell snippet (POSIX sh: dash and bash) printing what `parse` reads. Must not depend on the exit status of
   * earlier snippets. Snippets of a batch run one after the other in the SAME shell (a `{ …; }` group, not a
   * subshell, to save a fork each), so a snippet must never call `exit` (use `break`, or if/else), nor change
   * state later snippets rely on (`cd`, `set -e`/`-u`, IFS, traps, umask, functions). Variables it sets
   * (`p=`, `s=`, …) and the positional parameters (`set --`) are fair game: every snippet assigns its
   * variables before reading them and none reads `$1`/`$@` it did not set. Its exit code is its last command's.
   */
  command(args: A): string;
  /** Parses stdout (and the snippet's exit code) into a value; must be pure. */
  parse(stdout: string, exitCode: number, args: A): unknown;
  /**
   * Optional: ONE snippet answering several requests of this fact (same rules as `command`), so a batch of N
   * requests costs a constant number of processes instead of N times the single snippet's. `parse` returns one
   * value per entry of `args`, in the same order, each then checked by `schema` exactly like a single value.
   * The batch uses it when it holds two or more requests of the fact; a lone request uses `command`.
   */
  many?: {
    command(args: A[]): string;
    parse(stdout: string, exitCode: number, args: A[]): unknown[];
  };
  schema: z.ZodType<T>;
  /** Whether the snippet needs root (become) to give a true answer. */
  become?: boolean;
  /**
   * Live cluster state that other hosts and the cluster itself change (the CIB): never gathered ahead of the task
   * that asks for it (no prefetch at the start of a run or play, no ride-along with an earlier task's gather), so
   * it is read after every earlier task — a quorum wait included — and not from before them.
   */
  live?: boolean;
}

/** Any fact, whatever its value and argument types (what the registry holds). */
// biome-ignore lint/suspicious/noExplicitAny: a registry holds facts of every argument and value type
export type AnyFact = Fact<any, any>;
