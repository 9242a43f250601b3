/**
 * The operator-facing texts of the Galera bootstrap decision (bootstrap-choice.ts): why a run refuses, and what
 * to do about it. The decision itself stays there.
 */
import { BOOTSTRAP_NODE_FLAG as FLAG } from './bootstrap-error.js';
import type { ReadableView } from './member.js';

const list = (xs: readonly string[]) => xs.join(', ');

/** Members run but none is Primary: what to say, and what to do. */
export function runningWithoutPrimary(blocking: readonly ReadableView[]): [string, string[]] {
  const what = blocking.map((v) => `${v.node} (${v.activity.kind})`);
  const remedies: string[] = [];
  const kinds = new Set(blocking.map((v) => v.activity.kind));
  if (kinds.has('non-primary'))
    remedies.push(
      'if the members it lost are down for good, make the component Primary again on its most advanced member ' +
        `(highest wsrep_last_committed): mariadb -e "SET GLOBAL wsrep_provider_options='pc.bootstrap=YES'" ` +
        '(only when no Primary component runs anywhere)',
    );
  if (kinds.has('busy'))
    remedies.push('wait until the start ends (an SST or a recovery can take long), then rerun');
  if (kinds.has('unknown'))
    remedies.push(
      "make the status readable as root through the unix socket (mariadb -e 'SHOW STATUS'), then rerun",
    );
  if (kinds.has('standalone'))
    remedies.push(
      'a member holding cluster state runs without the cluster: stop it (systemctl stop mariadb)',
    );
  remedies.push(
    'or stop mariadb on every member and rerun: hakit then reads the saved positions and bootstraps the most ' +
      'advanced member',
    `${FLAG} NODE applies only once mariadb is stopped on every member`,
  );
  return [
    `mariadb runs on ${list(what)} but no member is in a Primary component: not bootstrapping`,
    remedies,
  ];
}

/** A member whose position cannot be recovered: what to say, and what to do. */
export function unrecoverable(lost: readonly ReadableView[]): [string, string[]] {
  const why = lost.map((v) => `${v.node}: ${v.position.kind === 'lost' ? v.position.why : ''}`);
  const remedies: string[] = [];
  const recoveries = lost.map((v) => (v.position.kind === 'lost' ? v.position.recovery : null));
  if (recoveries.some((r) => r?.kind === 'failed' && r.preparedTransactions))
    remedies.push(
      'prepared transactions were found: run mariadbd --wsrep-recover --tc-heuristic-recover=rollback there ' +
        '(as the ClusterLabs agent does), then rerun; that member then needs a full state transfer',
    );
  if (recoveries.some((r) => r?.kind === 'failed' && !r.preparedTransactions))
    remedies.push('fix what mariadbd reported (see its error log), then rerun');
  if (recoveries.some((r) => r?.kind === 'skipped'))
    remedies.push('wsrep is off in that configuration: put the Galera configuration in place, then rerun');
  remedies.push(
    'if that member’s data may go, remove its grastate.dat and rerun: it then joins by full state transfer',
    `or rerun with ${FLAG} NODE naming the member to bootstrap (name the unrecoverable one only if its data ` +
      'matters more than the others’)',
  );
  return [`cannot recover the position of ${list(lost.map((v) => v.node))} (${why.join('; ')})`, remedies];
}

/** What is known of a member's position, for the decision's findings. */
export function positionWhy(v: ReadableView): string {
  const p = v.position;
  return p.kind === 'known' ? `seqno ${p.seqno}` : p.why;
}
