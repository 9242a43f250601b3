import { z } from 'zod';
import { shq } from '../shell/posix.js';
import type { Operation } from './types.js';

export const waitForArgs = z
  .strictObject({
    /** Wait for a TCP port to accept (state: started) or refuse (state: stopped) connections… */
    port: z.number().int().min(1).max(65535).optional(),
    host: z
      .string()
      .regex(/^[A-Za-z0-9.:_-]+$/, 'a host name or IP address')
      .default('127.0.0.1'),
    state: z.enum(['started', 'stopped']).default('started'),
    /** …or for a shell command to succeed. */
    command: z.string().min(1).optional(),
    /** Give up after this many seconds. */
    timeout: z.number().positive().max(3600).default(60),
    /** Seconds between attempts. */
    interval: z.number().positive().max(600).default(1),
  })
  .refine((a) => (a.port === undefined) !== (a.command === undefined), {
    message: 'give exactly one of port or command',
  });
export type WaitForArgs = z.infer<typeof waitForArgs>;

/** Seconds one TCP probe may take. */
const PROBE_S = 2;

/**
 * Waits on the host for a port or a command, as one bounded shell loop: at most ceil(timeout/interval)
 * attempts and never past the deadline; the step itself is killed a little after the timeout.
 * Success is "ok", not "changed" (plan.noChange).
 */
export const waitForOp: Operation<WaitForArgs> = {
  name: 'wait_for',
  args: waitForArgs,
  facts: () => [],
  plan(a) {
    const attempts = Math.max(1, Math.ceil(a.timeout / a.interval));
    let check: string;
    let what: string;
    if (a.port !== undefined) {
      const probe = `timeout ${PROBE_S} bash -c ${shq(`exec 3<>/dev/tcp/${a.host}/${a.port}`)} 2>/dev/null`;
      check = a.state === 'started' ? probe : `! ${probe}`;
      what = `port ${a.host}:${a.port} ${a.state === 'started' ? 'open' : 'closed'}`;
    } else {
      check = `( ${a.command!}\n) >/dev/null 2>&1`;
      what = `command to succeed`;
    }
    const command = [
      `n=0; end=$(( $(date +%s) + ${Math.ceil(a.timeout)} ))`,
      `while [ "$n" -lt ${attempts} ]; do`,
      `  if ${check}; then exit 0; fi`,
      '  n=$((n + 1))',
      '  if [ "$(date +%s)" -ge "$end" ]; then break; fi',
      `  sleep ${a.interval}`,
      'done',
      `echo ${shq(`wait_for: ${what} not reached within ${a.timeout}s`)} >&2; exit 1`,
    ].join('\n');
    return {
      steps: [
        {
          kind: 'exec',
          command,
          timeoutMs: Math.ceil((a.timeout + a.interval + PROBE_S + 10) * 1000),
          display: `wait up to ${a.timeout}s for ${what}`,
        },
      ],
      summary: `wait for ${what}`,
      noChange: true,
    };
  },
};
