import { type HealthCheck, type Measurement, plural, type Reading } from '../../health.js';
import type { CrmMon } from '../crm-mon.js';
import { cibProbe, crmMonProbe, descendants, members } from './probes.js';

/** The first member's crm_mon view (undefined when none answered). */
export function firstView(readings: Reading<CrmMon>[]): { host: string; mon: CrmMon } | undefined {
  for (const r of readings) if (r.ok) return { host: r.host, mon: r.value };
  return undefined;
}

export const noView = (errors: string[]) => ({
  status: 'fail' as const,
  message: `no member answered crm_mon (is pacemaker running? systemctl start pacemaker):\n${errors.join('\n')}`,
});

export const nodesCheck: HealthCheck = {
  id: 'pacemaker.nodes',
  component: 'pacemaker',
  title: 'Every member is online in Pacemaker, with quorum and a DC',
  reads: 'crm_mon --output-as=xml --inactive on every cluster member',
  expects:
    'crm_mon answers on every member; each inventory member online, not standby, not in maintenance, not unclean or pending; a DC elected with quorum',
  why: 'a node offline or in standby runs no resources: the cluster has less redundancy than the inventory promises, and the next failure may take the service down',
  probes: [crmMonProbe],
  evaluate(ctx) {
    const names = members(ctx.inv);
    const readings = ctx.readings(crmMonProbe);
    const problems: string[] = [];
    for (const r of readings)
      if (!r.ok)
        problems.push(
          `${r.host}: crm_mon does not answer (pacemaker down there? systemctl start pacemaker): ${r.error}`,
        );
    const view = firstView(readings);
    if (!view) return noView(problems);
    const { host, mon } = view;
    if (!mon.dc) problems.push(`no DC elected (seen from ${host})`);
    if (!mon.withQuorum) problems.push(`${host}'s partition has no quorum`);
    let online = 0;
    for (const name of names) {
      const n = mon.nodes.find((x) => x.name === name);
      if (!n) {
        problems.push(`${name}: not a node of the cluster (seen from ${host})`);
        continue;
      }
      const what: string[] = [];
      // Pacemaker marks a node that is a corosync member without a running pacemaker (stopped cleanly: its
      // expected state is down) as pending *and* standby, not online: it is offline, and neither a join in
      // progress nor a standby an operator set (crm node online would not bring it back).
      const stopped = !n.online && n.pending;
      if (stopped)
        what.push(
          `offline: pacemaker is not running there (corosync member; systemctl start pacemaker on ${name})`,
        );
      else if (!n.online) what.push('offline');
      if (n.unclean) what.push('unclean (a fencing target)');
      if (n.pending && !stopped) what.push('pending (joining the cluster)');
      if (n.standby && !stopped) what.push(`in standby (crm node online ${name})`);
      if (n.maintenance) what.push(`in maintenance (crm node ready ${name})`);
      if (n.shutdown) what.push('shutting down');
      if (what.length) problems.push(`${name}: ${what.join(', ')} (seen from ${host})`);
      else online++;
    }
    const measurements: Measurement[] = [
      { name: 'nodes_online', value: online },
      { name: 'nodes_expected', value: names.length },
      ...(mon.dc ? [{ name: 'dc', value: mon.dc }] : []),
    ];
    if (problems.length) return { status: 'fail', message: problems.join('\n'), measurements };
    return {
      status: 'pass',
      message: `${plural(online, 'node')} online (${names.join(', ')}), DC ${mon.dc}, quorate`,
      measurements,
    };
  },
};

export const resourcesCheck: HealthCheck = {
  id: 'pacemaker.resources',
  component: 'pacemaker',
  title: 'Every resource is started, managed and not blocked',
  reads: 'crm_mon --output-as=xml --inactive (the first member that answers)',
  expects:
    'every resource (and clone instance) active, unless its target-role is Stopped; none unmanaged, blocked, failed or orphaned; maintenance-mode off',
  why: 'an unmanaged or blocked resource is not recovered by Pacemaker when it fails; a stopped one is a service down',
  probes: [crmMonProbe],
  evaluate(ctx) {
    const readings = ctx.readings(crmMonProbe);
    const view = firstView(readings);
    if (!view) return noView(readings.flatMap((r) => (r.ok ? [] : [`${r.host}: ${r.error}`])));
    const { mon } = view;
    const problems: string[] = [];
    if (mon.options['maintenance-mode'] === 'true')
      problems.push(
        'maintenance-mode is on: Pacemaker manages nothing (crm_attribute --name maintenance-mode --delete)',
      );
    if (mon.options['stop-all-resources'] === 'true') problems.push('stop-all-resources is on');
    let active = 0;
    for (const r of mon.resources) {
      const name = r.parent ? `${r.id} (in ${r.parent})` : r.id;
      const what: string[] = [];
      if (!r.active && r.targetRole !== 'Stopped') what.push(`${r.role || 'not running'}`);
      if (!r.managed) what.push('unmanaged');
      if (r.blocked) what.push('blocked (a failed stop: fence or clean up the node)');
      if (r.failed) what.push('failed');
      if (r.orphaned) what.push('orphaned (no longer configured but still active)');
      if (what.length) problems.push(`${name}: ${what.join(', ')}`);
      if (r.active) active++;
    }
    const measurements: Measurement[] = [
      { name: 'resources_active', value: active },
      { name: 'resources_listed', value: mon.resources.length },
    ];
    if (problems.length)
      return {
        status: 'fail',
        message: `${problems.join('\n')}\nSee crm_mon -1 -r; after fixing the cause, crm_resource --cleanup --resource ID`,
        measurements,
      };
    return {
      status: 'pass',
      message: `${plural(active, 'resource instance')} active, all managed`,
      measurements,
    };
  },
};

export const failedActionsCheck: HealthCheck = {
  id: 'pacemaker.failed-actions',
  component: 'pacemaker',
  title: 'No failed resource actions',
  reads: 'crm_mon --output-as=xml --inactive (failures section)',
  expects: 'no failed action recorded',
  why: 'a failed action counts towards migration-threshold: the resource may move or be banned at the next failure; it also hides new failures',
  probes: [crmMonProbe],
  evaluate(ctx) {
    const readings = ctx.readings(crmMonProbe);
    const view = firstView(readings);
    if (!view) return noView(readings.flatMap((r) => (r.ok ? [] : [`${r.host}: ${r.error}`])));
    const f = view.mon.failures;
    const measurements: Measurement[] = [{ name: 'failed_actions', value: f.length }];
    if (!f.length) return { status: 'pass', message: 'no failed action', measurements };
    const resources = [
      ...new Set(
        f.map((x) =>
          x.opKey.replace(/_(start|stop|monitor|promote|demote|notify|migrate_to|migrate_from)_\d+$/, ''),
        ),
      ),
    ];
    return {
      status: 'fail',
      message: [
        ...f.map(
          (x) =>
            `${x.opKey} on ${x.node}: ${x.exitStatus}${x.exitReason ? ` (${x.exitReason})` : ''}${x.lastRcChange ? ` at ${x.lastRcChange}` : ''}`,
        ),
        `Fix the cause, then clear the history: ${resources.map((r) => `crm_resource --cleanup --resource ${r}`).join('; ')}`,
      ].join('\n'),
      measurements,
    };
  },
};

export const leftoverConstraintsCheck: HealthCheck = {
  id: 'pacemaker.leftover-constraints',
  component: 'pacemaker',
  title: 'No leftover constraints from moves and bans (cli-ban, cli-prefer)',
  reads: 'cibadmin -Q (constraints section)',
  expects: 'no rsc_location whose id starts with cli-ban- or cli-prefer-',
  why: 'crm_resource --move/--ban leave a location constraint that pins or bans the resource until cleared: a failover may then be refused',
  probes: [cibProbe],
  evaluate(ctx) {
    const r = ctx.readings(cibProbe)[0];
    if (!r?.ok)
      return { status: 'fail', message: `the live CIB could not be read: ${r?.error ?? 'no member'}` };
    const left = descendants(r.value, 'rsc_location').filter((c) =>
      /^cli-(ban|prefer)-/.test(c.attrs.id ?? ''),
    );
    const measurements: Measurement[] = [{ name: 'cli_constraints', value: left.length }];
    if (!left.length) return { status: 'pass', message: 'none', measurements };
    return {
      status: 'fail',
      message: left
        .map((c) => {
          const rsc = c.attrs.rsc ?? '?';
          const what = c.attrs.id?.startsWith('cli-ban-')
            ? `bans ${rsc} from ${c.attrs.node ?? '?'}`
            : `pins ${rsc} to ${c.attrs.node ?? '?'}`;
          return `${c.attrs.id} ${what} (left by crm_resource --ban/--move): crm_resource --clear --resource ${rsc}`;
        })
        .join('\n'),
      measurements,
    };
  },
};
