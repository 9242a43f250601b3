import type { Inventory } from './inventory-schema.js';

/**
 * Health checks of a deployed cluster (`hakit verify`). Each component declares its checks next to its files and
 * packages: what a check reads (probes: a command run on hosts, parsed by a pure function), what it expects and
 * why it matters, and a pure `evaluate` that turns the readings into pass / fail / warn with a message an
 * operator can act on. The runner (src/verify) runs the probes the applicable checks need, once each, and
 * evaluates every check; nothing here touches a host or prints.
 */

export type CheckStatus = 'pass' | 'fail' | 'warn';

/** What one run of a probe's command on one host gave (secrets not masked yet: the runner masks results). */
export interface ProbeOutput {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  /** Controller clock (ms since the epoch) just before the command was sent and when its result came back. */
  startedAt: number;
  endedAt: number;
}

/** A command a check reads on hosts, and its pure parser. */
export interface Probe<T> {
  /** Unique among all probes: several checks sharing a probe share one run of it per host. */
  id: string;
  /** The hosts it runs on (inventory node names, in inventory order). */
  hosts(inv: Inventory): string[];
  /** Run on the first of `hosts` that gives a reading, not on all (e.g. the CIB, the same on every member). */
  once?: boolean;
  /** POSIX sh command (names from the inventory are validated, still quote them with `shq`). */
  command(inv: Inventory): string;
  /** Needs root (default true: the cluster tools do). */
  become?: boolean;
  /** Bound on the command (default 30 s). */
  timeoutMs?: number;
  /**
   * The value read. Pure. Throws (any Error) when the output cannot be understood or says the thing could not be
   * read (the daemon is down): the message becomes the reading's error, shown in the checks that needed it.
   */
  parse(out: ProbeOutput): T;
}

// biome-ignore lint/suspicious/noExplicitAny: a check lists probes of every value type
export type AnyProbe = Probe<any>;

/** One probe's result on one host. */
export type Reading<T> = { host: string; ok: true; value: T } | { host: string; ok: false; error: string };

/** A number or fact a check measured (JUnit properties, report columns). */
export interface Measurement {
  name: string;
  value: number | string | boolean;
  unit?: string;
  host?: string;
}

/** What a check concluded. */
export interface CheckOutcome {
  status: CheckStatus;
  /** One line (or a few) an operator can act on: what is wrong, where, and what to do. */
  message: string;
  /** Longer evidence: a diff, the failing command's stderr, a table. */
  details?: string;
  measurements?: Measurement[];
}

/** What `evaluate` sees. */
export interface CheckContext {
  inv: Inventory;
  /** The probe's readings, one per host it ran on (one for a `once` probe), in host order. */
  readings<T>(probe: Probe<T>): Reading<T>[];
  /** The desired content of a file of a host's desired state (by file id, e.g. `cib`), secrets revealed. */
  desiredFile(host: string, id: string): string | undefined;
}

/** A declared health check. */
export interface HealthCheck {
  /** `<component>.<name>`, stable: reports and CI history key on it. */
  id: string;
  component: string;
  title: string;
  /** What it reads, for the operator (commands and where they run). */
  reads: string;
  /** What it expects to find. */
  expects: string;
  /** Why it matters: what goes wrong when it does not hold. */
  why: string;
  /** Best-practice advice: a finding is a warning, never a failure. */
  advisory?: boolean;
  probes: readonly AnyProbe[];
  /** Whether the inventory deploys what it checks (default: yes). */
  applies?(inv: Inventory): boolean;
  evaluate(ctx: CheckContext): CheckOutcome;
}

/** The readings that failed, as `host: error` lines; empty when every host answered. */
export function readingErrors(readings: Reading<unknown>[]): string[] {
  return readings.flatMap((r) => (r.ok ? [] : [`${r.host}: ${r.error}`]));
}

/** The first good reading's value, or undefined. */
export function firstValue<T>(readings: Reading<T>[]): T | undefined {
  for (const r of readings) if (r.ok) return r.value;
  return undefined;
}

/** "1 node" / "2 nodes". */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** The output of a failed command, for a probe's error: exit code and the last lines of stderr (or stdout). */
export function commandFailure(out: ProbeOutput, what: string): Error {
  const text = (out.stderr.trim() || out.stdout.trim()).split('\n').slice(-5).join(' / ');
  const code = out.exitCode === null ? 'timed out or killed' : `exit ${out.exitCode}`;
  return new Error(`${what} failed (${code})${text ? `: ${text}` : ''}`);
}
