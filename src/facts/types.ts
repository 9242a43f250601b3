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
  /** Shell snippet printing what `parse` reads. Must not depend on the exit status of earlier snippets. */
  command(args: A): string;
  /** Parses stdout (and the snippet's exit code) into a value; must be pure. */
  parse(stdout: string, exitCode: number, args: A): unknown;
  schema: z.ZodType<T>;
  /** Whether the snippet needs root (become) to give a true answer. */
  become?: boolean;
}

/** Any fact, whatever its value and argument types (what the registry holds). */
// biome-ignore lint/suspicious/noExplicitAny: a registry holds facts of every argument and value type
export type AnyFact = Fact<any, any>;
