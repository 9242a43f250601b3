import { type HealthCheck, type Measurement, plural } from '../../health.js';
import { firstView, noView } from './cluster.js';
import { addressesProbe, crmMonProbe, fenceListProbe, members } from './probes.js';

export const stonithCheck: HealthCheck = {
  id: 'pacemaker.stonith',
  component: 'pacemaker',
  title: 'STONITH is enabled, with a started device able to fence every member',
  reads:
    'crm_mon --output-as=xml (stonith-enabled, device state) and stonith_admin --list NODE for every member',
  expects:
    'stonith-enabled=true; every member listed by stonith_admin as fenceable by at least one device that is started',
  why: 'without working fencing, a node that stops answering cannot be shut out: Pacemaker either waits forever or risks running the service twice',
  probes: [crmMonProbe, fenceListProbe],
  evaluate(ctx) {
    const readings = ctx.readings(crmMonProbe);
    const view = firstView(readings);
    if (!view) return noView(readings.flatMap((r) => (r.ok ? [] : [`${r.host}: ${r.error}`])));
    const problems: string[] = [];
    if (view.mon.options['stonith-enabled'] !== 'true')
      problems.push(
        'stonith-enabled is false: set pacemaker.properties.stonith-enabled: true and configure a device',
      );
    const started = view.mon.resources.filter((r) => r.agent.startsWith('stonith:') && r.active);
    const devices = view.mon.resources.filter((r) => r.agent.startsWith('stonith:'));
    if (!started.length)
      problems.push(
        devices.length
          ? `no fencing device started (${devices.map((d) => `${d.id}: ${d.role}`).join(', ')})`
          : 'no fencing device configured',
      );
    const lists = ctx.readings(fenceListProbe)[0];
    let fenceable = 0;
    if (!lists?.ok) problems.push(`stonith_admin could not list devices: ${lists?.error ?? 'no member'}`);
    else
      for (const name of members(ctx.inv)) {
        const l = lists.value.find((x) => x.node === name);
        const usable = (l?.devices ?? []).filter((d) => started.some((s) => s.id === d));
        if (usable.length) fenceable++;
        else
          problems.push(
            `${name}: no started device can fence it${l?.devices.length ? ` (listed: ${l.devices.join(', ')}, not started)` : ''}${l?.other.length ? `: ${l.other.join(' / ')}` : ''}`,
          );
      }
    const measurements: Measurement[] = [
      { name: 'devices_started', value: started.length },
      { name: 'nodes_fenceable', value: fenceable },
    ];
    if (problems.length) return { status: 'fail', message: problems.join('\n'), measurements };
    return {
      status: 'pass',
      message: `stonith-enabled; ${started.map((s) => `${s.id} started on ${s.nodes.join(', ')}`).join('; ')}; ${plural(fenceable, 'member')} fenceable`,
      measurements,
    };
  },
};

export const vipCheck: HealthCheck = {
  id: 'pacemaker.vip',
  component: 'pacemaker',
  title: 'Each virtual IP is on exactly one node, the one Pacemaker says',
  reads: 'ip -o addr show on every cluster member, and crm_mon for where the IPaddr2 resource runs',
  expects:
    'every ipaddr2 resource of the inventory: its address configured on exactly one member, where crm_mon shows it started',
  why: 'a VIP on no node is an outage; on two nodes, clients reach either at random (split brain at the network level)',
  probes: [addressesProbe, crmMonProbe],
  applies: (inv) => inv.pacemaker.resources.some((r) => r.type === 'ipaddr2'),
  evaluate(ctx) {
    const addrs = ctx.readings(addressesProbe);
    const view = firstView(ctx.readings(crmMonProbe));
    const problems: string[] = [];
    const measurements: Measurement[] = [];
    const done: string[] = [];
    for (const r of addrs) if (!r.ok) problems.push(`${r.host}: addresses not read: ${r.error}`);
    for (const res of ctx.inv.pacemaker.resources) {
      if (res.type !== 'ipaddr2') continue;
      const holders = addrs
        .filter((r) => r.ok && r.value.some((a) => a.address === res.ip))
        .map((r) => r.host);
      measurements.push(
        { name: `${res.id}.holders`, value: holders.length },
        { name: `${res.id}.on`, value: holders.join(',') },
      );
      const pcmk = view?.mon.resources.find((x) => x.id === res.id)?.nodes ?? [];
      if (holders.length === 0)
        problems.push(
          `${res.id} ${res.ip}: on no node${pcmk.length ? ` (Pacemaker says ${pcmk.join(', ')})` : ''}`,
        );
      else if (holders.length > 1)
        problems.push(`${res.id} ${res.ip}: on ${holders.length} nodes at once (${holders.join(', ')})`);
      else if (view && (pcmk.length !== 1 || pcmk[0] !== holders[0]))
        problems.push(
          `${res.id} ${res.ip}: on ${holders[0]} but Pacemaker says ${pcmk.join(', ') || 'nowhere'}`,
        );
      else done.push(`${res.id} ${res.ip} on ${holders[0]}`);
    }
    if (problems.length) return { status: 'fail', message: problems.join('\n'), measurements };
    return { status: 'pass', message: done.join('; '), measurements };
  },
};
