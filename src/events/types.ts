/**
 * Core code never prints: it emits these typed events. Renderers (listr2 on a TTY, plain lines, JSON lines)
 * turn them into output. No event ever carries a secret value: producers mask before emitting.
 */
export type HostStatus = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable';

export interface HostRecap {
  ok: number;
  changed: number;
  failed: number;
  skipped: number;
  unreachable: number;
}

/** One measured value of a verify check (or drill): JUnit properties, report columns. */
export interface VerifyMeasurement {
  name: string;
  value: number | string | boolean;
  unit?: string;
  host?: string;
}

/** A health check's result, as `hakit verify` reports it (message and details masked). */
export interface VerifyCheckResult {
  id: string;
  component: string;
  title: string;
  status: 'pass' | 'fail' | 'warn';
  /** What to act on. */
  message: string;
  /** Evidence: a diff, command output. */
  details?: string;
  measurements: VerifyMeasurement[];
  /** What it read, expected, and why it matters (from the check's declaration). */
  reads: string;
  expects: string;
  why: string;
  advisory: boolean;
  /** The longest read it waited for, ms. */
  durationMs: number;
}

export type HakitEvent =
  | { type: 'run.start'; at: number; playbook: string; hosts: string[]; check: boolean }
  | { type: 'preflight.start'; at: number; hosts: string[] }
  | { type: 'preflight.host'; at: number; host: string; status: 'ok' | 'unreachable'; message?: string }
  | { type: 'play.start'; at: number; play: string; hosts: string[] }
  | { type: 'task.start'; at: number; play: string; task: string; hosts: string[]; handler?: boolean }
  | {
      type: 'task.host';
      at: number;
      task: string;
      host: string;
      status: HostStatus;
      /** A failure that `ignore_errors` let pass: counted as ok in the recap. */
      ignored?: boolean;
      durationMs: number;
      /** One-line summary of what changed or why it failed/skipped. */
      message?: string;
      /** Unified diff (secrets masked), present with --diff. */
      diff?: string;
      /** Planned commands (secrets masked), present in check mode. */
      plan?: string[];
      /**
       * What the change would do, predicted by the operation's read-only preview (e.g. crm_simulate): present in
       * check mode and with --diff for operations that preview (secrets masked). `unavailable`: the prediction
       * failed and `text` says why ("prediction unavailable: …"); the task's status does not depend on it.
       */
      preview?: { title: string; text: string; unavailable?: boolean };
      /** For failures: the failing command's result (secrets masked). */
      error?: {
        command?: string;
        exitCode?: number | null;
        stdout?: string;
        stderr?: string;
        message: string;
      };
    }
  | { type: 'task.end'; at: number; task: string }
  | { type: 'play.end'; at: number; play: string }
  | { type: 'log'; at: number; level: 'info' | 'warn' | 'error'; message: string; host?: string }
  | { type: 'run.end'; at: number; durationMs: number; recap: Record<string, HostRecap>; exitCode: number }
  | { type: 'verify.start'; at: number; inventory: string; cluster: string; hosts: string[]; checks: number }
  | { type: 'verify.check'; at: number; result: VerifyCheckResult }
  | {
      type: 'verify.drill.step';
      at: number;
      drill: string;
      step: 'start' | 'inject' | 'recovered' | 'heal' | 'healthy' | 'timeout' | 'interrupted';
      message: string;
      host?: string;
    }
  | {
      type: 'verify.drill';
      at: number;
      drill: string;
      title: string;
      status: 'pass' | 'fail';
      message: string;
      measurements: VerifyMeasurement[];
    }
  | {
      type: 'verify.end';
      at: number;
      durationMs: number;
      passed: number;
      failed: number;
      warned: number;
      /** Drills run (with --drills). */
      drills?: { passed: number; failed: number };
      exitCode: number;
      /** Where the reports were written, with --report-dir. */
      reports?: string[];
    };

export type HakitEventType = HakitEvent['type'];

export interface EventSink {
  emit(event: HakitEvent): void;
}

/** A sink that fans out to several sinks; also useful in tests to collect events. */
export class EventBus implements EventSink {
  private readonly listeners: Array<(e: HakitEvent) => void> = [];
  on(listener: (e: HakitEvent) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }
  emit(event: HakitEvent): void {
    for (const l of this.listeners) l(event);
  }
}
