import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DrbdState, DrbdStateArgs } from '../../../src/facts/drbd-state.js';
import { getFact } from '../../../src/facts/index.js';

const FIX = join(import.meta.dirname, 'fixtures');

/** What the drbd_state snippet printed on this machine (fixtures/README.md). */
export const stateFixture = (name: string) => readFileSync(join(FIX, 'state', name), 'utf8');
/** `drbdsetup status RES --json` of a resource that is up (fixtures/README.md). */
export const statusFixture = (name: string) => readFileSync(join(FIX, 'status', name), 'utf8');

export const SHARED_ARGS: DrbdStateArgs = {
  resource: 'shared',
  minor: 1,
  disk: '/dev/loop0',
  meta_disk: 'internal',
};

/** Parse like the batch does: the fact's parser, then its zod schema. */
export function parseState(stdout: string, args: DrbdStateArgs = SHARED_ARGS): DrbdState {
  const f = getFact('drbd_state');
  return f.schema.parse(f.parse(stdout, 0, f.args?.parse(args))) as DrbdState;
}

export const b64 = (s: string) => Buffer.from(s).toString('base64');
