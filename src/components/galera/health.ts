import { type GaleraState, galeraStateFact } from '../../facts/galera-state.js';
import type { HealthCheck, Measurement, Probe } from '../health.js';
import { galeraMembers } from './members.js';

/** The galera_state fact's readout (unit, pids, wsrep status through the unix socket) on every member. */
export const galeraProbe: Probe<GaleraState> = {
  id: 'galera-state',
  hosts: galeraMembers,
  command: () => galeraStateFact.command(undefined),
  parse: (out) =>
    galeraStateFact.schema.parse(galeraStateFact.parse(out.stdout, out.exitCode ?? -1, undefined)),
};

export const galeraCheck: HealthCheck = {
  id: 'galera.cluster',
  component: 'galera',
  title: 'Every Galera member is Synced in one Primary component of the expected size',
  reads:
    'systemctl is-active mariadb and SHOW GLOBAL STATUS LIKE wsrep_% (as root, unix socket) on every member',
  expects:
    'MariaDB running on every member; wsrep_cluster_status Primary, wsrep_local_state_comment Synced, wsrep_cluster_size = the members (plus garbd), one wsrep_cluster_state_uuid for all',
  why: 'a member not Synced serves stale or no data; a smaller cluster tolerates fewer failures; two uuids mean two separate clusters (split brain)',
  probes: [galeraProbe],
  applies: (inv) => inv.galera !== undefined && galeraMembers(inv).length > 0,
  evaluate(ctx) {
    const names = galeraMembers(ctx.inv);
    const want = names.length + (ctx.inv.galera?.garbd ? 1 : 0);
    const problems: string[] = [];
    const measurements: Measurement[] = [];
    const uuids = new Map<string, string[]>();
    let synced = 0;
    for (const r of ctx.readings(galeraProbe)) {
      if (!r.ok) {
        problems.push(`${r.host}: not read: ${r.error}`);
        continue;
      }
      const s = r.value;
      if (!s.running) {
        problems.push(
          `${r.host}: MariaDB is not running (unit ${s.unit ?? 'unknown'}): see hakit galera status, or systemctl start mariadb`,
        );
        continue;
      }
      const st = s.status;
      if (!st?.ok) {
        problems.push(`${r.host}: wsrep status not read: ${st?.error ?? 'no answer'}`);
        continue;
      }
      if (st.clusterSize !== null)
        measurements.push({ name: 'cluster_size', value: st.clusterSize, host: r.host });
      if (st.localStateComment)
        measurements.push({ name: 'state', value: st.localStateComment, host: r.host });
      const what: string[] = [];
      if (st.clusterStatus !== 'Primary') what.push(`${st.clusterStatus ?? 'no wsrep'} (not Primary)`);
      if (st.localStateComment !== 'Synced') what.push(`${st.localStateComment ?? 'no state'} (not Synced)`);
      if (st.clusterSize !== want) what.push(`cluster size ${st.clusterSize ?? '?'}, expected ${want}`);
      if (what.length) problems.push(`${r.host}: ${what.join(', ')}`);
      else synced++;
      if (st.clusterStateUuid)
        uuids.set(st.clusterStateUuid, [...(uuids.get(st.clusterStateUuid) ?? []), r.host]);
    }
    if (uuids.size > 1)
      problems.push(
        `members belong to ${uuids.size} different clusters: ${[...uuids].map(([u, h]) => `${h.join(', ')}: ${u}`).join('; ')}`,
      );
    measurements.push({ name: 'members_synced', value: synced });
    if (problems.length) return { status: 'fail', message: problems.join('\n'), measurements };
    return {
      status: 'pass',
      message: `${synced} of ${names.length} members Synced in a Primary component of ${want} (uuid ${[...uuids.keys()][0] ?? '?'})`,
      measurements,
    };
  },
};

export const GALERA_CHECKS: readonly HealthCheck[] = [galeraCheck];
