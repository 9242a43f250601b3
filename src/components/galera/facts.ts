import type { GaleraStateArgs } from '../../facts/galera-state.js';
import type { FactRequest } from '../../facts/request.js';

/**
 * The Galera facts. `galera_state` itself lives in src/facts/galera-state.ts: the fact registry
 * (src/facts/index.ts) lists it, and src/facts may not import from src/components (components import facts:
 * a folder cycle, test/architecture/folder-cycles.test.ts). It reports raw host state (grastate.dat's text,
 * the unit, pids, wsrep status); this folder interprets it (grastate.ts, bootstrap-choice.ts).
 */
export {
  DEFAULT_DATADIR,
  DEFAULT_MARIADB_UNIT,
  GALERA_RECOVERY_RECORD,
  type GaleraState,
  type GaleraStateArgs,
  galeraStateFact,
  galeraStateSchema,
  WSREP_STATUS_VARIABLES,
  type WsrepStatus,
} from '../../facts/galera-state.js';

/** The request for one member's state (Debian defaults: /var/lib/mysql, /var/lib/mysql/grastate.dat, mariadb). */
export function galeraStateRequest(args?: GaleraStateArgs): FactRequest {
  return args === undefined ? { fact: 'galera_state' } : { fact: 'galera_state', args };
}
