import { z } from 'zod';
import type { Operation } from '../../ops/types.js';
import { pollLoop } from '../../shell/poll.js';

export const waitSyncArgs = z.strictObject({
  /** Seconds to wait for chronyd to report itself synchronised. */
  timeout: z.number().int().min(1).max(3600).default(180),
});
type WaitSyncArgs = z.infer<typeof waitSyncArgs>;

/**
 * Waits, bounded, until chronyd is synchronised — `chronyc -n tracking` reports a leap status of Normal, Insert
 * second or Delete second, not "Not synchronised" (chrony's documented values) — so the cluster does not start on
 * a clock that is still being stepped. On timeout it fails with the leap status and chronyc's own tracking report
 * (the executor names the node). One `chronyc` per check, 1 s apart; a synchronised host answers the first.
 */
export const chronyWaitSyncOp: Operation<WaitSyncArgs> = {
  name: 'chrony_wait_sync',
  args: waitSyncArgs,
  facts: () => [],
  plan(a) {
    const script = pollLoop({
      check: [
        'out=$(timeout 5 chronyc -n tracking 2>&1); rc=$?',
        "leap=$(printf '%s\\n' \"$out\" | sed -n 's/^Leap status[[:space:]]*:[[:space:]]*//p')",
        'if [ "$rc" -eq 0 ]; then',
        "  case \"$leap\" in Normal|'Insert second'|'Delete second') exit 0 ;; esac",
        'fi',
      ],
      timeoutS: a.timeout,
      intervalS: 1,
      onTimeout: [
        `echo "time not synchronised after ${a.timeout} s (leap status: \${leap:-unknown}, chronyc exit $rc); chronyc tracking:" >&2`,
        'printf \'%s\\n\' "$out" >&2',
      ],
    });
    return {
      summary: 'wait until chrony is synchronised',
      steps: [
        {
          kind: 'exec',
          command: script,
          timeoutMs: (a.timeout + 30) * 1000,
          display: `wait until chrony is synchronised (at most ${a.timeout} s)`,
        },
      ],
      noChange: true,
    };
  },
};
