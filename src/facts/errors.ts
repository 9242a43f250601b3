import { HakitError } from '../errors/index.js';

/**
 * A fact's output could not be understood (or its arguments were invalid). The message names the fact and
 * the problem, never a host (the executor adds it) and never file contents. Exit 4: the task fails.
 */
export class FactError extends HakitError {
  readonly fact: string;
  constructor(fact: string, problem: string, cause?: unknown) {
    super(`fact ${fact}: ${problem}`, { code: 'E_FACT', exitCode: 4, cause });
    this.fact = fact;
  }
}

/** Thrown by parsers; `parseFactBatch` rewraps it as a FactError naming the fact. */
export class ParseProblem extends HakitError {
  constructor(message: string) {
    super(message, { code: 'E_FACT_PARSE', exitCode: 4 });
  }
}
