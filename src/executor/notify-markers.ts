import { createHash } from 'node:crypto';
import type { Step } from '../ops/types.js';
import { shq } from '../shell/posix.js';

/**
 * Durable notifications. Ansible forgets a notification when a run stops between the change and its handler:
 * the rerun finds the file already in place, plans nothing, and the daemon never reloads. hakit writes a marker
 * on the host before a notifying change runs (in the same command as the change's first step), reads the markers
 * at the start of every run, and removes a marker once its handler succeeded there — so an interrupted run
 * converges when run again.
 */

/** The marker file name of a notification: the play and the name notified (a handler name or `listen` topic). */
export function notifyMarkerKey(play: string, name: string): string {
  return createHash('sha256').update(`${play}\n${name}`).digest('hex').slice(0, 24);
}

const files = (dir: string, keys: readonly string[]) => keys.map((k) => shq(`${dir}/${k}`)).join(' ');

/** The command recording these notifications on the host (marker files in `dir`, see NOTIFY_MARKER_DIR). */
export function markCommand(dir: string, keys: readonly string[]): string {
  return `mkdir -p -m 0700 ${shq(dir)} && touch ${files(dir, keys)}`;
}

/** The same as a step, run before the notifying task's own steps (fused into their first command). */
export function markStep(dir: string, keys: readonly string[]): Step {
  return {
    kind: 'exec',
    command: markCommand(dir, keys),
    display: `record the pending notification of ${keys.length === 1 ? 'a handler' : `${keys.length} handlers`} (${dir})`,
  };
}

/** The command forgetting these notifications once their handler ran. */
export function unmarkCommand(dir: string, keys: readonly string[]): string {
  return `rm -f ${files(dir, keys)}`;
}
