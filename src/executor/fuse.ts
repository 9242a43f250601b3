import { randomBytes } from 'node:crypto';
import type { Step } from '../ops/types.js';
import { shq } from '../shell/posix.js';

/**
 * Turns a plan's steps into as few shell commands as possible: one round trip instead of one per step.
 * A `put` becomes `cat > PATH` fed on stdin, so a file write (body, validate, install) is one command. A step
 * that needs stdin starts a new command (stdin belongs to the first step of a command). Each step runs in a
 * subshell; the first failing step prints a marker line (its index and exit code) on stderr and ends the
 * command, so failures are still reported per step.
 */
export interface FusedCommand {
  command: string;
  stdin?: string | Buffer;
  /** Indices of the plan steps in this command. */
  indices: number[];
  timeoutMs?: number;
}

/** A file upload kept as such, for connectors without a POSIX shell (the step runs through `putFile`). */
export interface PutCommand {
  put: Extract<Step, { kind: 'put' }>;
  indices: number[];
}

/**
 * The commands that run a plan: fused (see above) when the connector has a POSIX shell, else one per step
 * exactly as planned.
 */
export function planCommands(steps: readonly Step[], posixShell: boolean): Array<FusedCommand | PutCommand> {
  if (posixShell) return fuseSteps(steps);
  return steps.map((step, i) =>
    step.kind === 'put'
      ? { put: step, indices: [i] }
      : {
          command: step.command,
          indices: [i],
          ...(step.stdin !== undefined ? { stdin: step.stdin } : {}),
          ...(step.timeoutMs ? { timeoutMs: step.timeoutMs } : {}),
        },
  );
}

export const STEP_MARKER = `__HAKIT_STEP_${randomBytes(6).toString('hex')}__`;

function fragment(step: Step): { script: string; stdin?: string | Buffer; okCodes: number[] } {
  if (step.kind === 'put') {
    const mode =
      step.mode !== undefined
        ? ` && chmod ${step.mode.toString(8).padStart(4, '0')} -- ${shq(step.path)}`
        : '';
    return { script: `umask 077 && cat > ${shq(step.path)}${mode}`, stdin: step.content, okCodes: [0] };
  }
  return {
    script: step.command,
    ...(step.stdin !== undefined ? { stdin: step.stdin } : {}),
    okCodes: step.okCodes ?? [0],
  };
}

export function fuseSteps(steps: readonly Step[], marker = STEP_MARKER): FusedCommand[] {
  const groups: Array<{ parts: Array<ReturnType<typeof fragment> & { index: number; timeoutMs?: number }> }> =
    [];
  steps.forEach((step, index) => {
    const f = {
      ...fragment(step),
      index,
      ...(step.kind === 'exec' && step.timeoutMs ? { timeoutMs: step.timeoutMs } : {}),
    };
    const current = groups[groups.length - 1];
    if (!current || f.stdin !== undefined) groups.push({ parts: [f] });
    else current.parts.push(f);
  });
  return groups.map(({ parts }) => {
    const first = parts[0]!;
    const timeouts = parts.map((p) => p.timeoutMs).filter((t): t is number => t !== undefined);
    const base = {
      indices: parts.map((p) => p.index),
      ...(first.stdin !== undefined ? { stdin: first.stdin } : {}),
      ...(timeouts.length ? { timeoutMs: timeouts.reduce((a, b) => a + b, 0) } : {}),
    };
    // A lone exec step runs exactly as planned (its exit code and output are the step's own).
    if (parts.length === 1 && steps[first.index]?.kind === 'exec') return { ...base, command: first.script };
    const lines = parts.map((p, i) => {
      const ok = p.okCodes.join(' ');
      const input = i === 0 ? '' : ' </dev/null';
      return `(\n${p.script}\n)${input}; __rc=$?; case " ${ok} " in *" $__rc "*) ;; *) printf '\\n%s %s %s\\n' '${marker}' ${p.index} "$__rc" >&2; exit "$__rc";; esac`;
    });
    return { ...base, command: `${lines.join('\n')}\nexit 0` };
  });
}

/** The failing step of a fused command, from its marker line (which is removed from stderr). */
export function fusedFailure(
  stderr: string,
  marker = STEP_MARKER,
): { index: number; rc: number; stderr: string } | undefined {
  const re = new RegExp(`\\n?${marker} (\\d+) (\\d+)\\n?`);
  const m = re.exec(stderr);
  if (!m) return undefined;
  return { index: Number(m[1]), rc: Number(m[2]), stderr: stderr.replace(re, '') };
}
