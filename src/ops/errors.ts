import { HakitError } from '../errors/index.js';

/**
 * An operation cannot be planned from the host's state (e.g. `state: file` on a path that does not exist,
 * a directory where a file should be written). Exit 4: the task fails on that host.
 */
export class PlanError extends HakitError {
  readonly operation: string;
  constructor(operation: string, message: string) {
    super(`${operation}: ${message}`, { code: 'E_PLAN', exitCode: 4 });
    this.operation = operation;
  }
}
