import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseWsrepRecover, type WsrepRecovery } from '../../../src/components/galera/grastate.js';
import type { MemberState } from '../../../src/components/galera/member.js';
import type { GaleraState, WsrepStatus } from '../../../src/facts/galera-state.js';

export const FIXTURES = join(import.meta.dirname, 'fixtures');

/** The cluster uuid of the fixtures, and another cluster's. */
export const UUID_A = '044c1132-ee60-11f1-af4b-d78194574735';
export const UUID_B = '9f1e0c2a-4b5d-11ef-8c3d-0242ac120003';

export const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

/** grastate.dat text as Galera 4 writes it. */
export function grastate(uuid: string, seqno: number, safeToBootstrap: 0 | 1): string {
  return `# GALERA saved state\nversion: 2.1\nuuid:    ${uuid}\nseqno:   ${seqno}\nsafe_to_bootstrap: ${safeToBootstrap}\n`;
}

/** A stopped member with this grastate.dat (null: none) over an initialised datadir. */
export function down(
  node: string,
  grastateText: string | null,
  opts: { datadir?: boolean; recovered?: WsrepRecovery | string; unit?: string } = {},
): MemberState {
  const state: GaleraState = {
    unit: opts.unit ?? 'inactive',
    pids: [],
    running: false,
    datadirInitialised: opts.datadir ?? true,
    grastate: grastateText,
    status: null,
  };
  const r = opts.recovered;
  return r === undefined
    ? { node, state }
    : { node, state, recovered: typeof r === 'string' ? parseWsrepRecover(fixture(`recover/${r}`)) : r };
}

export function status(over: Partial<WsrepStatus> = {}): WsrepStatus {
  return {
    ok: true,
    error: null,
    localStateComment: 'Synced',
    clusterStatus: 'Primary',
    clusterSize: 3,
    clusterStateUuid: UUID_A,
    lastCommitted: 1240,
    ...over,
  };
}

/** A running member: Primary and Synced in cluster A unless `over` says otherwise. */
export function up(
  node: string,
  over: Partial<WsrepStatus> | null = {},
  grastateText: string | null = grastate(UUID_A, -1, 0),
): MemberState {
  return {
    node,
    state: {
      unit: 'active',
      pids: [4242],
      running: true,
      datadirInitialised: true,
      grastate: grastateText,
      status: over === null ? null : status(over),
    },
  };
}

export const unreadable = (node: string, why = 'ssh: connect ETIMEDOUT 10.0.0.13:22'): MemberState => ({
  node,
  unreadable: why,
});

export const recovered = (uuid: string, seqno: number): WsrepRecovery => ({ kind: 'recovered', uuid, seqno });
