/**
 * One base class for every error hakit raises on purpose. `exitCode` is what the CLI exits with:
 * 2 bad input (inventory, playbook, arguments), 3 unreachable host, 4 failed task, 5 validation failed,
 * 1 anything else.
 */
export class HakitError extends Error {
  readonly exitCode: number;
  readonly code: string;
  constructor(message: string, opts: { code: string; exitCode?: number; cause?: unknown }) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = opts.code;
    this.exitCode = opts.exitCode ?? 1;
  }
}

/** Where a problem is in an input file, and what was expected there. */
export interface Diagnostic {
  severity: 'error' | 'warning';
  file: string;
  line: number;
  column: number;
  /** Dotted field path, e.g. `nodes[1].links[0].address`. */
  path: string;
  message: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = `${d.file}:${d.line}:${d.column}`;
  return `${where}: ${d.severity}: ${d.path ? `${d.path}: ` : ''}${d.message}`;
}

/** Bad input: the inventory, a playbook or a command line. Nothing was contacted. Exit 2. */
export class InputError extends HakitError {
  readonly diagnostics: Diagnostic[];
  constructor(message: string, diagnostics: Diagnostic[] = []) {
    super(message, { code: 'E_INPUT', exitCode: 2 });
    this.diagnostics = diagnostics;
  }
}

/** The outcome of one command on one host: a value, whether it succeeded or not. */
export interface CommandResult {
  host: string;
  command: string;
  exitCode: number | null;
  signal?: string | undefined;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** A command that exited non-zero (or was killed) where success was required. Exit 4. */
export class CommandFailedError extends HakitError {
  readonly result: CommandResult;
  constructor(result: CommandResult, message?: string) {
    super(
      message ??
        `${result.host}: command failed (exit ${result.exitCode ?? result.signal}): ${firstLine(result.command)}` +
          (result.stderr.trim() ? `\n${result.stderr.trim()}` : ''),
      { code: 'E_COMMAND', exitCode: 4 },
    );
    this.result = result;
  }
}

/** A host that cannot be reached or authenticated. Exit 3. */
export class UnreachableError extends HakitError {
  readonly host: string;
  constructor(host: string, message: string, cause?: unknown) {
    super(`${host}: unreachable: ${message}`, { code: 'E_UNREACHABLE', exitCode: 3, cause });
    this.host = host;
  }
}

/** A host key that does not match what is known or pinned. Never retried. Exit 3. */
export class HostKeyError extends HakitError {
  readonly host: string;
  constructor(host: string, message: string) {
    super(`${host}: ${message}`, { code: 'E_HOST_KEY', exitCode: 3 });
    this.host = host;
  }
}

/** A rendered file rejected by its validator. Exit 5. */
export class ValidationError extends HakitError {
  constructor(message: string) {
    super(message, { code: 'E_VALIDATION', exitCode: 5 });
  }
}

/** Something the machine running hakit lacks (Docker, a binary, permissions). Exit 1. */
export class EnvironmentError extends HakitError {
  constructor(message: string) {
    super(message, { code: 'E_ENVIRONMENT', exitCode: 1 });
  }
}

function firstLine(s: string): string {
  const line = s.split('\n', 1)[0] ?? '';
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}
