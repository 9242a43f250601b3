import { z } from 'zod';
import { shq } from '../shell/posix.js';
import { lines } from './lines.js';
import type { Fact } from './types.js';
import { absPath } from './validators.js';

/**
 * Where a run records, on the host, that a handler was notified and has not run yet (one empty file per
 * notification, named by `notifyMarkerKey`). The file is written before the change that notifies, and removed
 * once the handler ran there: a run interrupted in between (Ctrl-C, a killed controller, a lost connection)
 * leaves it, and the next run runs the handler although the change itself is already in place.
 */
export const NOTIFY_MARKER_DIR = '/var/lib/hakit/notify';

const markerName = /^[0-9a-f]{24}$/;

export const notifyMarkersArgs = z.strictObject({ dir: absPath });
export type NotifyMarkersArgs = z.infer<typeof notifyMarkersArgs>;

/** The pending notifications recorded on the host: marker file names in `dir` (see NOTIFY_MARKER_DIR). */
export const notifyMarkersFact: Fact<string[], NotifyMarkersArgs> = {
  name: 'notify_markers',
  args: notifyMarkersArgs,
  become: true,
  command: ({ dir }) => `if [ -d ${shq(dir)} ]; then ls -1 ${shq(dir)}; fi`,
  parse: (stdout) => lines(stdout).filter((l) => markerName.test(l)),
  schema: z.array(z.string().regex(markerName)),
};
