import { describe, expect, it } from 'vitest';
import type { FirewallRule } from '../../../src/components/host-prep/firewall-needs.js';
import {
  type FirewallSpec,
  firewalldEntries,
  firewallOp,
  ufwRule,
} from '../../../src/components/host-prep/firewall-op.js';
import { type FirewallInfo, firewallFact } from '../../../src/facts/firewall.js';
import type { OsInfo } from '../../../src/facts/os.js';
import { PlanError } from '../../../src/ops/index.js';
import type { Plan } from '../../../src/ops/types.js';
import { factValues } from '../../ops/helpers.js';

const DEBIAN: OsInfo = {
  family: 'debian',
  id: 'debian',
  idLike: [],
  version: '12',
  major: 12,
  codename: 'bookworm',
  prettyName: 'Debian GNU/Linux 12 (bookworm)',
};
const ROCKY9: OsInfo = {
  family: 'rhel',
  id: 'rocky',
  idLike: ['rhel', 'centos', 'fedora'],
  version: '9.4',
  major: 9,
  codename: null,
  prettyName: 'Rocky Linux 9.4 (Blue Onyx)',
};

const RULES: FirewallRule[] = [
  { proto: 'tcp', ports: [22], from: null, comment: 'hakit ssh' },
  { proto: 'tcp', ports: [3307], from: null, comment: 'hakit haproxy mysql' },
  { proto: 'tcp', ports: [3306, 4444, 4567, 4568, 9200], from: '10.213.0.12', comment: 'hakit cluster' },
  { proto: 'udp', ports: [4567, 5405], from: '10.213.0.12', comment: 'hakit cluster' },
  { proto: 'vrrp', ports: [], from: '10.213.0.12', comment: 'hakit vrrp' },
];
const spec = (mode: FirewallSpec['mode'] = 'manage'): FirewallSpec => ({
  node: 'node1',
  mode,
  rules: RULES,
  packages: [],
});

/** The firewall fact's snippet output, parsed and checked as in a run. */
const parse = (out: string): FirewallInfo => firewallFact.schema.parse(firewallFact.parse(out, 0, undefined));

/** ufw 0.36.2 on Debian 12, freshly installed (captured in a sandbox container). */
const UFW_FRESH = `firewall
ufw=yes
@ufw_status
Status: inactive

@rc=0
@ufw_added
Added user rules (see 'ufw status' for running firewall):
(None)

@rc=0
ufw_policy=DROP
ufw_enabled=no
firewalld=no
`;

/** The same host after the plan below ran (`ufw show added` prints the rules as the commands that add them). */
const UFW_DONE = `firewall
ufw=yes
@ufw_status
Status: active
Logging: on (low)

@rc=0
@ufw_added
Added user rules (see 'ufw status' for running firewall):
ufw allow 22/tcp comment 'hakit ssh'
ufw allow 3307/tcp comment 'hakit haproxy mysql'
ufw allow from 10.213.0.12 to any port 3306,4444,4567,4568,9200 proto tcp comment 'hakit cluster'
ufw allow from 10.213.0.12 to any port 4567,5405 proto udp comment 'hakit cluster'
ufw allow from 10.213.0.12 proto vrrp comment 'hakit vrrp'

@rc=0
ufw_policy=DROP
ufw_enabled=yes
firewalld=no
`;

const plan = (s: FirewallSpec, os: OsInfo, fw: FirewallInfo): Plan =>
  firewallOp.plan({ spec: s }, factValues([{ fact: 'os' }, os], [{ fact: 'firewall' }, fw]));
const commands = (p: Plan) => p.steps.map((s) => (s.kind === 'exec' ? s.command : `put ${s.path}`));

describe('firewall fact', () => {
  it('reads ufw (status, rules as commands, policy, ENABLED) and firewalld (permanent, runtime)', () => {
    expect(parse(UFW_FRESH)).toEqual({
      ufw: { active: false, enabledAtBoot: false, defaultIncoming: 'DROP', rules: [] },
      firewalld: null,
    });
    expect(parse(UFW_DONE).ufw?.rules[2]).toBe(
      "allow from 10.213.0.12 to any port 3306,4444,4567,4568,9200 proto tcp comment 'hakit cluster'",
    );
    const fwd = parse(`firewall
ufw=no
firewalld=yes
fwd_state=running
fwd_enabled=enabled
@fwd_perm_ports
22/tcp 3307/tcp
@rc=0
@fwd_perm_rich
rule family="ipv4" source address="10.213.0.12" port port="5405" protocol="udp" accept
@rc=0
@fwd_run_ports

@rc=0
@fwd_run_rich
@rc=0
`);
    expect(fwd).toEqual({
      ufw: null,
      firewalld: {
        running: true,
        enabled: true,
        permanent: {
          ports: ['22/tcp', '3307/tcp'],
          richRules: [
            'rule family="ipv4" source address="10.213.0.12" port port="5405" protocol="udp" accept',
          ],
        },
        runtime: { ports: [], richRules: [] },
      },
    });
    expect(() => parse('firewall\nufw=yes\n@ufw_status\n@rc=1\n')).toThrow(/ufw status failed/);
  });
});

describe('firewall operation, ufw (Debian-like hosts)', () => {
  it('a fresh host: SSH rule first, every rule, then enable; the host after it plans nothing', () => {
    const p = plan(spec(), DEBIAN, parse(UFW_FRESH));
    expect(commands(p)).toEqual([
      "ufw allow 22/tcp comment 'hakit ssh'",
      "ufw allow 3307/tcp comment 'hakit haproxy mysql'",
      "ufw allow from 10.213.0.12 to any port 3306,4444,4567,4568,9200 proto tcp comment 'hakit cluster'",
      "ufw allow from 10.213.0.12 to any port 4567,5405 proto udp comment 'hakit cluster'",
      "ufw allow from 10.213.0.12 proto vrrp comment 'hakit vrrp'",
      'ufw --force enable',
    ]);
    expect(p.summary).toBe('ufw: 5 rules added, enabled');
    expect(plan(spec(), DEBIAN, parse(UFW_DONE)).steps).toEqual([]);
  });

  it("removes hakit's rules no longer needed, keeps the operator's, denies incoming by default", () => {
    const fw = parse(UFW_DONE);
    if (!fw.ufw) throw new Error('no ufw');
    fw.ufw.rules.push(
      "allow 3390/tcp comment 'hakit haproxy probe'",
      'allow 8080/tcp',
      "allow 53 comment 'dns'",
    );
    fw.ufw.defaultIncoming = 'ACCEPT';
    expect(commands(plan(spec(), DEBIAN, fw))).toEqual([
      "ufw delete allow 3390/tcp comment 'hakit haproxy probe'",
      'ufw default deny incoming',
    ]);
  });

  it('ufw missing: PlanError naming the host and the package, no step', () => {
    expect(() => plan(spec(), DEBIAN, { ufw: null, firewalld: null })).toThrow(PlanError);
    expect(() => plan(spec(), DEBIAN, { ufw: null, firewalld: null })).toThrow(/node1: ufw is not installed/);
  });
});

describe('firewall operation, firewalld (RHEL-like hosts)', () => {
  const lists = (ports: string[] = [], richRules: string[] = []) => ({ ports, richRules });
  const ALL_PORTS = ['22/tcp', '3307/tcp'];
  const ALL_RICH = RULES.flatMap(firewalldEntries).flatMap((e) => ('rich' in e ? [e.rich] : []));

  it('rich rules: one source address and port each, VRRP by protocol', () => {
    expect(ALL_RICH).toEqual([
      'rule family="ipv4" source address="10.213.0.12" port port="3306" protocol="tcp" accept',
      'rule family="ipv4" source address="10.213.0.12" port port="4444" protocol="tcp" accept',
      'rule family="ipv4" source address="10.213.0.12" port port="4567" protocol="tcp" accept',
      'rule family="ipv4" source address="10.213.0.12" port port="4568" protocol="tcp" accept',
      'rule family="ipv4" source address="10.213.0.12" port port="9200" protocol="tcp" accept',
      'rule family="ipv4" source address="10.213.0.12" port port="4567" protocol="udp" accept',
      'rule family="ipv4" source address="10.213.0.12" port port="5405" protocol="udp" accept',
      'rule family="ipv4" source address="10.213.0.12" protocol value="vrrp" accept',
    ]);
    expect(
      firewalldEntries({ proto: 'udp', ports: [5405], from: 'fd00::2', comment: 'hakit cluster' }),
    ).toEqual([
      { rich: 'rule family="ipv6" source address="fd00::2" port port="5405" protocol="udp" accept' },
    ]);
  });

  it('running, nothing opened: permanent and runtime in one command each; once applied, nothing', () => {
    const fw: FirewallInfo = {
      ufw: null,
      firewalld: { running: true, enabled: true, permanent: lists(), runtime: lists() },
    };
    const c = commands(plan(spec(), ROCKY9, fw));
    expect(c).toHaveLength(2);
    expect(c[0]).toMatch(
      /^firewall-cmd --permanent --add-port=22\/tcp --add-port=3307\/tcp --add-rich-rule='rule family="ipv4" source address="10.213.0.12" port port="3306" protocol="tcp" accept' /,
    );
    expect(c[1]).toBe(c[0]?.replace('firewall-cmd --permanent ', 'firewall-cmd '));
    expect(c[0]?.match(/--add-rich-rule=/g)).toHaveLength(8);
    const done: FirewallInfo = {
      ufw: null,
      firewalld: {
        running: true,
        enabled: true,
        permanent: lists(ALL_PORTS, ALL_RICH),
        runtime: lists(ALL_PORTS, ALL_RICH),
      },
    };
    expect(plan(spec(), ROCKY9, done).steps).toEqual([]);
    // Runtime lost what the permanent configuration has (e.g. `firewall-cmd --reload` not run): runtime only.
    const runtimeOnly = structuredClone(done);
    runtimeOnly.firewalld!.runtime = lists(['22/tcp'], ALL_RICH);
    expect(commands(plan(spec(), ROCKY9, runtimeOnly))).toEqual(['firewall-cmd --add-port=3307/tcp']);
  });

  it('stopped: started and enabled first, then the rules permanent and runtime', () => {
    const fw: FirewallInfo = {
      ufw: null,
      firewalld: { running: false, enabled: false, permanent: lists(ALL_PORTS), runtime: null },
    };
    const c = commands(plan(spec(), ROCKY9, fw));
    expect(c[0]).toBe('systemctl enable --now firewalld');
    expect(c[1]).toMatch(/^firewall-cmd --permanent --add-rich-rule=/);
    expect(c[2]).toMatch(/^firewall-cmd --add-rich-rule=/);
    expect(c).toHaveLength(3);
  });

  it('firewalld missing: a clear PlanError before any change', () => {
    expect(() => plan(spec(), ROCKY9, { ufw: null, firewalld: null })).toThrow(
      /node1: firewalld is not installed, so host_prep.firewall: manage cannot open the cluster's ports \(nothing was changed\)/,
    );
  });
});

describe('firewall operation, leave and disabled', () => {
  it('leave: nothing, whatever the host has', () => {
    expect(firewallOp.plan({ spec: spec('leave') }, factValues()).steps).toEqual([]);
  });

  it('disabled: ufw and firewalld stopped and disabled where on, with a warning; nothing when already off', () => {
    const on: FirewallInfo = {
      ufw: parse(UFW_DONE).ufw,
      firewalld: {
        running: true,
        enabled: true,
        permanent: { ports: [], richRules: [] },
        runtime: { ports: [], richRules: [] },
      },
    };
    const p = plan(spec('disabled'), DEBIAN, on);
    expect(commands(p)).toEqual(['ufw disable', 'systemctl disable --now firewalld']);
    expect(p.summary).toMatch(/^WARNING: host_prep.firewall is disabled/);
    expect(plan(spec('disabled'), DEBIAN, parse(UFW_FRESH)).steps).toEqual([]);
  });
});

describe('ufwRule', () => {
  it('prints a rule exactly as `ufw show added` does', () => {
    expect(RULES.map(ufwRule)).toEqual(parse(UFW_DONE).ufw?.rules);
  });
});
