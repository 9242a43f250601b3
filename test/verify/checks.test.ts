import { describe, expect, it } from 'vitest';
import { HEALTH_CHECKS } from '../../src/components/health-checks.js';
import type { VerifyCheckResult } from '../../src/events/types.js';
import { applicableChecks, runChecks } from '../../src/verify/index.js';
import {
  type Answer,
  type Answers,
  desiredFile,
  fakeExec,
  fixture,
  healthyAnswers,
  sandboxInventory,
} from './support.js';

async function verify(change: (a: Answers) => void = () => {}, calls: string[] = []) {
  const inv = sandboxInventory();
  const answers = healthyAnswers();
  change(answers);
  const results = await runChecks({
    inv,
    checks: HEALTH_CHECKS,
    exec: fakeExec(inv, answers, calls),
    desiredFile,
  });
  const by = (id: string) => results.find((r) => r.id === id) as VerifyCheckResult;
  return { results, by };
}

const summary = (rs: VerifyCheckResult[]) => rs.map((r) => `${r.status} ${r.id}: ${r.message}`).join('\n');

describe('health checks on captured outputs of the sandbox cluster', () => {
  it('every check applies to the sandbox inventory and passes on the healthy cluster', async () => {
    const inv = sandboxInventory();
    expect(applicableChecks(inv, HEALTH_CHECKS).map((c) => c.id)).toEqual(HEALTH_CHECKS.map((c) => c.id));
    const calls: string[] = [];
    const { results } = await verify(undefined, calls);
    expect(
      results.filter((r) => r.status !== 'pass'),
      summary(results),
    ).toEqual([]);
    // Each probe ran once per host (crm_mon on all three members, the CIB on one).
    expect(calls.filter((c) => c.startsWith('crm_mon@')).sort()).toEqual([
      'crm_mon@node1',
      'crm_mon@node2',
      'crm_mon@node3',
    ]);
    expect(calls.filter((c) => c.startsWith('cibadmin@'))).toEqual(['cibadmin@node1']);
    expect(new Set(calls).size).toBe(calls.length);
  });

  it('an unreachable host fails every check that reads it, saying so', async () => {
    const down = new Error('connect ECONNREFUSED 10.0.0.3:22');
    const { results } = await verify((a) => {
      for (const answers of Object.values(a)) if ('node3' in answers) answers.node3 = down;
    });
    const failed = results.filter((r) => r.status === 'fail').map((r) => r.id);
    expect(failed).toEqual(
      expect.arrayContaining([
        'corosync.quorum',
        'corosync.links',
        'pacemaker.nodes',
        'galera.cluster',
        'haproxy.backends',
        'chrony.time',
      ]),
    );
    for (const r of results.filter((x) => x.status === 'fail'))
      expect(r.message, r.id).toMatch(/node3: .*ECONNREFUSED/);
  });

  it('a failed action fails with the operation, the node and the cleanup command', async () => {
    const { by } = await verify((a) => {
      a.crm_mon = { '*': fixture('faults/crm_mon-failed-action.xml') };
    });
    const r = by('pacemaker.failed-actions');
    expect(r.status).toBe('fail');
    expect(r.message).toMatch(/^vip_(start|monitor)_\d+ on node\d: /m);
    expect(r.message).toMatch(/crm_resource --cleanup --resource vip/);
  });

  it('the VIP on two nodes at once, or on none, fails', async () => {
    const inv = sandboxInventory();
    const vip = inv.pacemaker.resources.find((r) => r.type === 'ipaddr2');
    const ip = vip?.type === 'ipaddr2' ? vip.ip : '';
    const esc = ip.replace(/\./g, '\\.');
    const two = await verify((a) => {
      const addrs = a['ip-addr'] as Record<string, string>;
      const holder = Object.entries(addrs).find(([, v]) => v.includes(` ${ip}/`));
      const other = holder?.[0] === 'node1' ? 'node2' : 'node1';
      addrs[other] = `${addrs[other]}${holder?.[1].split('\n').find((l) => l.includes(` ${ip}/`)) ?? ''}\n`;
    });
    expect(two.by('pacemaker.vip').message).toMatch(new RegExp(`vip ${esc}: on 2 nodes at once`));
    const none = await verify((a) => {
      const addrs = a['ip-addr'] as Record<string, string>;
      for (const n of Object.keys(addrs))
        addrs[n] = (addrs[n] ?? '')
          .split('\n')
          .filter((l) => !l.includes(` ${ip}/`))
          .join('\n');
    });
    expect(none.by('pacemaker.vip').message).toMatch(
      new RegExp(`vip ${esc}: on no node \\(Pacemaker says node\\d\\)`),
    );
  });
});

describe('best-practice warnings and the other faults, on edited captures', () => {
  const edit = (a: Answers, probe: string, f: (s: string) => string) => {
    a[probe] = Object.fromEntries(Object.entries(a[probe] ?? {}).map(([h, v]) => [h, f(v as string)]));
  };

  it('a token below 1000 ms warns (advice, not a failure)', async () => {
    const { by } = await verify((a) =>
      edit(a, 'corosync-cmapctl', (s) => s.replace(/(runtime\.config\.totem\.token \(u32\) = )\d+/, '$1500')),
    );
    const r = by('corosync.token');
    expect(r.status).toBe('warn');
    expect(r.message).toMatch(/token 500 ms is below 1000 ms: raise cluster\.totem\.token/);
  });

  it('no-quorum-policy=ignore on three nodes warns', async () => {
    const { by } = await verify((a) =>
      edit(a, 'crm_mon', (s) => s.replace(/no-quorum-policy="\w+"/, 'no-quorum-policy="ignore"')),
    );
    expect(by('pacemaker.no-quorum-policy').status).toBe('warn');
    expect(by('pacemaker.no-quorum-policy').message).toMatch(/no-quorum-policy=ignore on 3 members/);
  });

  it('two_node without a fencing delay warns', async () => {
    const { by } = await verify((a) =>
      edit(a, 'corosync-quorumtool', (s) => s.replace(/^(Flags:\s+)(.*)$/m, '$1$2 2Node')),
    );
    expect(by('pacemaker.two-node-fence-delay').status).toBe('warn');
    const delayed = await verify((a) => {
      edit(a, 'corosync-quorumtool', (s) => s.replace(/^(Flags:\s+)(.*)$/m, '$1$2 2Node'));
      edit(a, 'cibadmin', (s) =>
        s.replace(
          /(<nvpair[^>]*name="pcmk_host_list"[^>]*\/>)/,
          '$1<nvpair id="x-delay" name="pcmk_delay_max" value="15s"/>',
        ),
      );
    });
    expect(delayed.by('pacemaker.two-node-fence-delay').status).toBe('pass');
  });

  it('corosync down on a member, and a link down, fail naming the node', async () => {
    const { by } = await verify((a) => {
      (a['corosync-quorumtool'] as Record<string, unknown>).node3 = {
        stdout: 'Cannot initialize QUORUM service\n',
        exitCode: 1,
      };
      edit(a, 'corosync-cfgtool', (s) => s.replace(/(nodeid:\s+3:\s+)connected/, '$1disconnected'));
    });
    expect(by('corosync.quorum').message).toMatch(
      /^node3: corosync does not answer \(systemctl start corosync\): corosync-quorumtool did not report quorum: Cannot initialize QUORUM service/m,
    );
    expect(by('corosync.links').message).toMatch(/^node1: link 0 \(\S+\) to node3: disconnected/m);
  });

  it('a member whose pacemaker is stopped (corosync still up) is offline, not pending nor in standby', async () => {
    // What Pacemaker 2.1 reports for a cleanly stopped pacemaker on a corosync member (expected state down):
    // online=false with pending=true and standby=true (unpack.c, determine_online_status_fencing).
    const stopped = (s: string) =>
      s.replace(
        /<node name="node2" id="2" online="true" standby="false"(.*?)pending="false"(.*?)resources_running="\d+"/,
        '<node name="node2" id="2" online="false" standby="true"$1pending="true"$2resources_running="0"',
      );
    const { by } = await verify((a) => {
      const mon = a.crm_mon as Record<string, Answer>;
      mon.node1 = stopped(String(mon.node1));
      mon.node3 = stopped(String(mon.node3));
      mon.node2 = {
        stdout:
          '<pacemaker-result api-version="2.25" request="crm_mon --output-as=xml --inactive">\n  <status code="102" message="Not connected">\n    <errors>\n      <error>crm_mon: Error: cluster is not available on this node</error>\n    </errors>\n  </status>\n</pacemaker-result>\n',
        exitCode: 102,
      };
    });
    const r = by('pacemaker.nodes');
    expect(r.status).toBe('fail');
    expect(r.message).toMatch(
      /^node2: offline: pacemaker is not running there \(corosync member; systemctl start pacemaker on node2\) \(seen from node1\)$/m,
    );
    expect(r.message).not.toMatch(/pending|standby/);
  });

  it('chronyd: synchronised passes, not synchronised or far off fails, outside a container', async () => {
    const line = (leap: string, offset: string) =>
      `T|1764700000.123456789\nV|none\nC|0|7F000001,127.0.0.1,3,1764699990.5,${offset},-0.000001,0.000020,-1.5,-0.001,0.05,0.0004,0.0002,64.5,${leap}\n`;
    const run = (text: string) => verify((a) => (a.time = { '*': text }));
    expect((await run(line('Normal', '0.000012'))).by('chrony.time').status).toBe('pass');
    expect((await run(line('Not synchronised', '0.0'))).by('chrony.time').message).toMatch(
      /chronyd is not synchronised \(Not synchronised\)/,
    );
    expect((await run(line('Normal', '0.5'))).by('chrony.time').message).toMatch(
      /clock 0\.500 s off NTP time/,
    );
    expect(
      (await run('T|1764700000.1\nV|none\nC|1|506 Cannot talk to daemon\n')).by('chrony.time').message,
    ).toMatch(/chronyc -c tracking: exit 1: 506 Cannot talk to daemon \(systemctl start chrony\)/);
  });
});
