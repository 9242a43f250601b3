import type { FileKind } from '../render/types.js';

/**
 * passed: the real validator accepted the file, fully.
 * failed: the validator rejected it (`message` is the validator's own output).
 * partial: the validator ran but could only parse the file (e.g. corosync outside a node's network).
 * skipped: the validator is not installed here (`message` names it). Never counted as passed.
 * none: hakit knows no validator for this kind of file.
 */
export type ValidationStatus = 'passed' | 'failed' | 'partial' | 'skipped' | 'none';

export interface ValidationResult {
  node: string;
  /** Absolute path of the file on the host. */
  path: string;
  kind: FileKind;
  /** The validator as a short command, e.g. `haproxy -c`. */
  validator: string;
  status: ValidationStatus;
  /** Failure: the validator's output (secrets masked). Skipped/partial: why. */
  message?: string;
  /** How the check ran, e.g. `in a network namespace with 10.40.0.11, 10.41.0.11 on lo`. */
  detail?: string;
}

export interface ValidateOptions {
  /** PATH searched for validator binaries (default: process.env.PATH). */
  path?: string;
  /** Validators running at once (default 2). */
  concurrency?: number;
  /** Per-validator time limit in ms (default 60 s). */
  timeoutMs?: number;
  /** Masks secret values in validator output (for reveal-mode files). */
  mask?: (text: string) => string;
  /**
   * Isolate validators in a private network namespace (no network access; the node's addresses on lo).
   * Default: true when `unshare` can create one. false: run directly (corosync/drbd then report partial).
   */
  isolate?: boolean;
}
