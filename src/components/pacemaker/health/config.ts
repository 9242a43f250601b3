import { unifiedDiff } from '../../../ops/diff.js';
import { configurationText, desiredCib, sameConfiguration } from '../../../pacemaker/cib-merge.js';
import { parseXml } from '../../../pacemaker/xml.js';
import { quorumProbe } from '../../corosync/health.js';
import { firstValue, type HealthCheck, type Measurement } from '../../health.js';
import { firstView, noView } from './cluster.js';
import {
  cibProbe,
  clusterProperties,
  crmMonProbe,
  crmVerifyProbe,
  members,
  stonithDevices,
} from './probes.js';

export const driftCheck: HealthCheck = {
  id: 'pacemaker.config-drift',
  component: 'pacemaker',
  title: "The live CIB configuration is the inventory's",
  reads: 'cibadmin -Q (the first member that answers), compared with the CIB rendered from the inventory',
  expects:
    'the live configuration equals the desired one merged into it as `hakit bootstrap` does (what hakit owns: properties it sets, resources, constraints, defaults, fencing); node attributes and cli- constraints are not drift',
  why: 'a change made by hand is lost at the next bootstrap, or the inventory no longer describes the cluster that runs: both surprise whoever acts next',
  probes: [cibProbe],
  evaluate(ctx) {
    const r = ctx.readings(cibProbe)[0];
    if (!r?.ok)
      return { status: 'fail', message: `the live CIB could not be read: ${r?.error ?? 'no member'}` };
    const desiredText = ctx.desiredFile(r.host, 'cib');
    if (desiredText === undefined)
      return {
        status: 'fail',
        message: `no desired CIB for ${r.host} (is it a pacemaker member of the inventory?)`,
      };
    const live = r.value;
    const wanted = desiredCib(live, parseXml(desiredText));
    if (sameConfiguration(live, wanted))
      return { status: 'pass', message: 'no drift: the live configuration is the desired one' };
    const diff = unifiedDiff(configurationText(live), configurationText(wanted), 'cib:configuration');
    const changed = diff.split('\n').filter((l) => /^[-+][^-+]/.test(l)).length;
    return {
      status: 'fail',
      message: `the live CIB differs from the inventory (${changed} changed line${changed === 1 ? '' : 's'}; - live, + desired): apply the inventory with hakit bootstrap, or put the change into the inventory`,
      details: diff,
      measurements: [{ name: 'changed_lines', value: changed }],
    };
  },
};

export const crmVerifyCheck: HealthCheck = {
  id: 'pacemaker.crm-verify',
  component: 'pacemaker',
  title: 'crm_verify -L finds nothing',
  reads: 'crm_verify -L -V (the first member that answers)',
  expects: 'exit 0 and no error or warning printed',
  why: 'crm_verify flags configurations Pacemaker will refuse or run in an unsafe way (no STONITH device, bad references, invalid operations)',
  probes: [crmVerifyProbe],
  evaluate(ctx) {
    const r = ctx.readings(crmVerifyProbe)[0];
    if (!r?.ok) return { status: 'fail', message: `crm_verify could not run: ${r?.error ?? 'no member'}` };
    const v = r.value;
    const measurements: Measurement[] = [
      { name: 'errors', value: v.errors.length },
      { name: 'warnings', value: v.warnings.length },
    ];
    if (v.errors.length || (v.exitCode !== 0 && !v.warnings.length))
      return {
        status: 'fail',
        message: `crm_verify -L on ${r.host} exited ${v.exitCode}:\n${(v.errors.length ? v.errors : v.lines).join('\n')}`,
        measurements,
      };
    if (v.warnings.length)
      return {
        status: 'warn',
        message: `crm_verify -L on ${r.host} warns:\n${v.warnings.join('\n')}`,
        measurements,
      };
    return { status: 'pass', message: `clean (on ${r.host})`, measurements };
  },
};

export const noQuorumPolicyCheck: HealthCheck = {
  id: 'pacemaker.no-quorum-policy',
  component: 'pacemaker',
  title: 'no-quorum-policy is not ignore on three or more nodes',
  reads: 'crm_mon --output-as=xml (cluster options)',
  expects: 'no-quorum-policy stop, freeze, demote or suicide when the cluster has 3+ members',
  why: 'with ignore, a partitioned minority keeps running resources: two copies of the service (and of the VIP) at once',
  advisory: true,
  probes: [crmMonProbe],
  evaluate(ctx) {
    const readings = ctx.readings(crmMonProbe);
    const view = firstView(readings);
    if (!view) return noView(readings.flatMap((r) => (r.ok ? [] : [`${r.host}: ${r.error}`])));
    const policy = view.mon.options['no-quorum-policy'] ?? 'stop';
    const n = members(ctx.inv).length;
    const measurements: Measurement[] = [{ name: 'no_quorum_policy', value: policy }];
    if (policy === 'ignore' && n >= 3)
      return {
        status: 'warn',
        message: `no-quorum-policy=ignore on ${n} members: set pacemaker.properties.no-quorum-policy to stop`,
        measurements,
      };
    return { status: 'pass', message: `no-quorum-policy=${policy} on ${n} members`, measurements };
  },
};

export const fenceDelayCheck: HealthCheck = {
  id: 'pacemaker.two-node-fence-delay',
  component: 'pacemaker',
  title: 'A two-node cluster has a fencing delay',
  reads:
    'corosync-quorumtool -s (2Node flag) and cibadmin -Q (pcmk_delay_base/pcmk_delay_max, priority-fencing-delay)',
  expects:
    'with two_node, some fencing delay (pcmk_delay_max or pcmk_delay_base on a device, or priority-fencing-delay)',
  why: 'without a delay, both nodes of a split two-node cluster fence each other at once and the service goes down on both',
  advisory: true,
  probes: [quorumProbe, cibProbe],
  evaluate(ctx) {
    const q = firstValue(ctx.readings(quorumProbe));
    const twoNode = q ? q.flags.includes('2Node') : members(ctx.inv).length === 2;
    if (!twoNode) return { status: 'pass', message: 'not a two_node cluster' };
    const cib = ctx.readings(cibProbe)[0];
    if (!cib?.ok)
      return { status: 'fail', message: `the live CIB could not be read: ${cib?.error ?? 'no member'}` };
    const props = clusterProperties(cib.value);
    const priority = props.get('priority-fencing-delay');
    const delayed = stonithDevices(cib.value).filter(
      (d) => d.params.has('pcmk_delay_max') || d.params.has('pcmk_delay_base'),
    );
    if ((priority && !/^0+(s|ms)?$/.test(priority)) || delayed.length)
      return {
        status: 'pass',
        message: priority
          ? `priority-fencing-delay=${priority}`
          : `fencing delay on ${delayed.map((d) => d.id).join(', ')}`,
      };
    return {
      status: 'warn',
      message:
        'two_node without a fencing delay: set pcmk_delay_max on a fencing device (params) or pacemaker.properties.priority-fencing-delay',
    };
  },
};
