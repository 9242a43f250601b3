import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type DesiredSelinux, SEMANAGE_PACKAGE } from '../../src/components/host-prep/selinux-needs.js';
import { portType, selinuxPolicyOp } from '../../src/components/host-prep/selinux-policy-op.js';
import { registryOps } from '../../src/executor/registries.js';
import type { OsInfo } from '../../src/facts/os.js';
import type { SelinuxInfo } from '../../src/facts/selinux.js';
import { type SelinuxPolicy, selinuxPolicyFact } from '../../src/facts/selinux-policy.js';
import { loadInventory } from '../../src/inventory/load.js';
import { type Plan, PlanError } from '../../src/ops/index.js';
import { evalCondition } from '../../src/playbook/expr.js';
import { loadPlaybook } from '../../src/playbook/load.js';
import { DEBIAN_LAYOUT, type Layout, RHEL_LAYOUT } from '../../src/render/layout.js';
import { desiredState } from '../../src/state/desired.js';
import { commands, factValues } from './helpers.js';

/** Captured-format command outputs (see fixtures/selinux/README.md for their sources). */
const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', 'selinux', name), 'utf8');
const GETSEBOOL = fixture('getsebool-a.txt');
const PORTS = fixture('semanage-port-l.txt');
const PORTS_AFTER = fixture('semanage-port-l-after.txt');
const LOCAL_AFTER = fixture('semanage-port-l-C-after.txt');
/** getsebool -a after `setsebool -P daemons_enable_cluster_mode=on haproxy_connect_any=on`. */
const GETSEBOOL_AFTER = GETSEBOOL.replace(
  'daemons_enable_cluster_mode --> off',
  'daemons_enable_cluster_mode --> on',
).replace('haproxy_connect_any --> off', 'haproxy_connect_any --> on');

/** What the selinux_policy fact's snippet prints on a host with SELinux on, parsed and checked like a real run. */
function policy(
  o: { getsebool?: string; local?: string; all?: string; semanage?: boolean } = {},
): SelinuxPolicy {
  const semanage = o.semanage ?? true;
  const out = [
    'selinux_policy',
    `semanage=${semanage ? 'yes' : 'no'}`,
    'enabled=yes',
    '@getsebool',
    o.getsebool ?? GETSEBOOL,
    '@rc=0',
    ...(semanage ? ['@local', o.local ?? '', '@rc=0', '@all', o.all ?? PORTS, '@rc=0'] : []),
  ].join('\n');
  return selinuxPolicyFact.schema.parse(selinuxPolicyFact.parse(out, 0, undefined));
}

const OFF: SelinuxPolicy = selinuxPolicyFact.schema.parse(
  selinuxPolicyFact.parse('selinux_policy\nsemanage=no\nenabled=no\n', 0, undefined),
);

const ROCKY9: OsInfo = {
  family: 'rhel',
  id: 'rocky',
  idLike: ['rhel', 'centos', 'fedora'],
  version: '9.4',
  major: 9,
  codename: null,
  prettyName: 'Rocky Linux 9.4 (Blue Onyx)',
};
const DEBIAN: OsInfo = {
  family: 'debian',
  id: 'debian',
  idLike: [],
  version: '12',
  major: 12,
  codename: 'bookworm',
  prettyName: 'Debian GNU/Linux 12 (bookworm)',
};
const se = (state: SelinuxInfo['state']): SelinuxInfo => ({
  state,
  configured: state === 'absent' ? null : state,
  configExists: state !== 'absent',
});

/** The SELinux part of a node's desired state, from a real inventory (what the executor hands the operation). */
async function desired(
  node = 'node1',
  layout: Layout = RHEL_LAYOUT,
  file = 'inventories/sandbox.yaml',
  selinux?: 'permissive' | 'disabled',
): Promise<DesiredSelinux> {
  const loaded = await loadInventory(file);
  if (selinux) loaded.inventory.host_prep.selinux = selinux;
  const n = loaded.inventory.nodes.find((x) => x.name === node);
  if (!n) throw new Error(`${file} has no ${node}`);
  return desiredState(loaded, n, { layout, secrets: 'mask' }).selinux;
}

function plan(
  spec: DesiredSelinux,
  p: SelinuxPolicy,
  s = se('enforcing'),
  os = ROCKY9,
  node = 'node1',
): Plan {
  return selinuxPolicyOp.plan(
    selinuxPolicyOp.args.parse({ spec: { node, ...spec } }),
    factValues([{ fact: 'os' }, os], [{ fact: 'selinux' }, s], [{ fact: 'selinux_policy' }, p]),
  );
}

function planError(spec: DesiredSelinux, p: SelinuxPolicy): string {
  try {
    plan(spec, p);
  } catch (e) {
    expect(e, 'a PlanError').toBeInstanceOf(PlanError);
    return (e as Error).message;
  }
  throw new Error('expected a PlanError, got a plan');
}

/** A fresh enforcing sandbox node (pacemaker, haproxy on 10.213.0.100:3307 + stats 8404, galera). */
const FRESH = [
  'semanage port -a -t http_port_t -p tcp 3307',
  'semanage port -m -t mysqld_port_t -p tcp 4444',
  'semanage port -m -t mysqld_port_t -p tcp 4567',
  'semanage port -a -t mysqld_port_t -p tcp 4568',
  'semanage port -a -t http_port_t -p tcp 8404',
  'setsebool -P daemons_enable_cluster_mode=on haproxy_connect_any=on',
];

describe('selinux_policy: what a node needs, from the inventory', () => {
  it('a sandbox node: its HAProxy listeners, Galera ports and the booleans; semanage on the dnf family', async () => {
    const d = await desired();
    expect(d.mode).toBe('enforcing');
    expect(d.ports.map((p) => `${p.proto}/${p.port} ${p.type}${p.weak ? ' (weak)' : ''}`)).toEqual([
      'tcp/3306 mysqld_port_t',
      'tcp/3307 http_port_t (weak)',
      'tcp/4444 mysqld_port_t',
      'tcp/4567 mysqld_port_t',
      'tcp/4568 mysqld_port_t',
      'tcp/8404 http_port_t (weak)',
    ]);
    expect(d.booleans.map((b) => `${b.name}=${b.value}`)).toEqual([
      'daemons_enable_cluster_mode=true',
      'haproxy_connect_any=true',
    ]);
    expect(d.packages).toEqual([SEMANAGE_PACKAGE]);
    expect((await desired('node1', DEBIAN_LAYOUT)).packages).toEqual([]);
    expect((await desired('node1', RHEL_LAYOUT, undefined, 'disabled')).packages).toEqual([]);
  });

  it('an HAProxy frontend on a Galera member’s 3306: MariaDB’s mysqld_port_t wins (HAProxy binds it through the boolean)', async () => {
    const d = await desired('db1', RHEL_LAYOUT, 'inventories/production.example.yaml');
    const p3306 = d.ports.find((p) => p.port === 3306);
    expect(p3306).toMatchObject({ type: 'mysqld_port_t', why: 'MariaDB clients' });
    expect(p3306?.weak).toBeUndefined();
  });
});

describe('selinux_policy: Galera ports moved by provider_options', () => {
  it('base_port moves group communication (and IST with it); ist.recv_addr sets the IST port', async () => {
    const loaded = await loadInventory('inventories/sandbox.yaml');
    const g = loaded.inventory.galera;
    if (!g) throw new Error('inventories/sandbox.yaml has no galera');
    const node = loaded.inventory.nodes.find((x) => x.name === 'node1');
    if (!node) throw new Error('no node1');
    const galeraPorts = () =>
      desiredState(loaded, node, { layout: RHEL_LAYOUT, secrets: 'mask' })
        .selinux.ports.filter((p) => p.type === 'mysqld_port_t')
        .map((p) => `${p.port} ${p.why}`);
    g.provider_options = { base_port: 5567 };
    expect(galeraPorts()).toEqual([
      '3306 MariaDB clients',
      '4444 Galera SST',
      '5567 Galera group communication',
      '5568 Galera IST',
    ]);
    g.provider_options = { 'ist.recv_addr': '10.213.0.11:4600' };
    expect(galeraPorts()).toEqual([
      '3306 MariaDB clients',
      '4444 Galera SST',
      '4567 Galera group communication',
      '4600 Galera IST',
    ]);
  });
});

describe('selinux_policy: planned commands (fixture outputs of getsebool and semanage)', () => {
  it('asks for os, selinux and selinux_policy', () => {
    expect(selinuxPolicyOp.facts({})).toEqual([
      { fact: 'os' },
      { fact: 'selinux' },
      { fact: 'selinux_policy' },
    ]);
  });

  it('fresh enforcing host: labels (-a on a free port, -m over kerberos_port_t/tram_port_t) and booleans', async () => {
    const p = plan(await desired(), policy());
    expect(commands(p)).toEqual(FRESH);
    expect(p.summary).toContain('tcp/4444 mysqld_port_t (was kerberos_port_t) for Galera SST');
    expect(p.summary).toContain('haproxy_connect_any=on');
  });

  it('rerun where everything is set: empty plan (changed=0)', async () => {
    const after = policy({ getsebool: GETSEBOOL_AFTER, local: LOCAL_AFTER, all: PORTS_AFTER });
    expect(plan(await desired(), after)).toEqual({ steps: [] });
    // The local definition is what the kernel uses for a port the policy also types.
    expect(portType(after, 'tcp', 4444)).toBe('mysqld_port_t');
    expect(portType(policy(), 'tcp', 4444)).toBe('kerberos_port_t');
    expect(portType(policy(), 'tcp', 63140)).toBe('mysqld_port_t');
    expect(portType(policy(), 'tcp', 8404)).toBe('unreserved_port_t');
  });

  it('only what differs: labels set but a boolean switched off since → only that boolean', async () => {
    const p = policy({
      getsebool: GETSEBOOL_AFTER.replace('haproxy_connect_any --> on', 'haproxy_connect_any --> off'),
      local: LOCAL_AFTER,
      all: PORTS_AFTER,
    });
    expect(commands(plan(await desired(), p))).toEqual(['setsebool -P haproxy_connect_any=on']);
  });

  it('a port already defined locally with another type: -m instead of -a', async () => {
    // Someone labelled 4568 for another service; 3307 is already a local http_port_t.
    const local =
      'SELinux Port Type              Proto    Port Number\n\nhttp_port_t                    tcp      3307\nsyslog_tls_port_t              tcp      4568\n';
    const all = PORTS.replace(
      'http_port_t                    tcp      80,',
      'http_port_t                    tcp      3307, 80,',
    ).concat('syslog_tls_port_t              tcp      4568, 6514\n');
    expect(commands(plan(await desired(), policy({ local, all })))).toEqual([
      'semanage port -m -t mysqld_port_t -p tcp 4444',
      'semanage port -m -t mysqld_port_t -p tcp 4567',
      'semanage port -m -t mysqld_port_t -p tcp 4568',
      'semanage port -a -t http_port_t -p tcp 8404',
      'setsebool -P daemons_enable_cluster_mode=on haproxy_connect_any=on',
    ]);
  });

  it('HAProxy listeners on a port another service’s type claims keep that type (no -m over it)', () => {
    const spec: DesiredSelinux = {
      mode: 'enforcing',
      ports: [
        { port: 3306, proto: 'tcp', type: 'http_port_t', why: 'HAProxy frontend db', weak: true },
        { port: 5000, proto: 'tcp', type: 'http_port_t', why: 'HAProxy frontend api', weak: true },
        { port: 80, proto: 'tcp', type: 'http_port_t', why: 'HAProxy frontend web', weak: true },
        { port: 9201, proto: 'tcp', type: 'http_port_t', why: 'HAProxy stats page', weak: true },
      ],
      booleans: [{ name: 'haproxy_connect_any', value: true, why: 'HAProxy' }],
      packages: [SEMANAGE_PACKAGE],
    };
    expect(commands(plan(spec, policy()))).toEqual([
      'semanage port -a -t http_port_t -p tcp 9201',
      'setsebool -P haproxy_connect_any=on',
    ]);
  });

  it('permissive host: the same labels and booleans (denials are only logged there; enforcing later works)', async () => {
    expect(commands(plan(await desired(), policy(), se('permissive')))).toEqual(FRESH);
    expect(commands(plan(await desired('node1', RHEL_LAYOUT, undefined, 'permissive'), policy()))).toEqual(
      FRESH,
    );
  });

  it('SELinux disabled or absent, or the inventory says disabled: empty plan, no command', async () => {
    const d = await desired();
    expect(plan(d, policy(), se('disabled'))).toEqual({ steps: [] });
    expect(plan(d, OFF, se('disabled'))).toEqual({ steps: [] });
    expect(plan(d, OFF, se('absent'))).toEqual({ steps: [] });
    expect(plan(await desired('node1', RHEL_LAYOUT, undefined, 'disabled'), policy())).toEqual({ steps: [] });
  });

  it('Debian host: empty plan', async () => {
    expect(plan(await desired('node1', DEBIAN_LAYOUT), OFF, se('absent'), DEBIAN)).toEqual({ steps: [] });
    expect(plan(await desired('node1', DEBIAN_LAYOUT), policy(), se('enforcing'), DEBIAN)).toEqual({
      steps: [],
    });
  });

  it('semanage missing: PlanError naming the host and the package, before any change (no boolean either)', async () => {
    expect(planError(await desired(), policy({ semanage: false }))).toBe(
      'selinux_policy: node1: semanage is missing, so the ports tcp/3306, tcp/3307, tcp/4444, tcp/4567, tcp/4568, tcp/8404 cannot be labelled: install policycoreutils-python-utils (hakit’s prepare playbook does so before this task) and rerun'.replace(
        '’',
        "'",
      ),
    );
  });

  it('a boolean the loaded policy does not have: PlanError, nothing applied', async () => {
    const old = GETSEBOOL.replace('haproxy_connect_any --> off\n', '');
    expect(planError(await desired(), policy({ getsebool: old }))).toMatch(
      /^selinux_policy: node1: the loaded SELinux policy has no boolean haproxy_connect_any/,
    );
  });

  it('the spec is resolved by the executor: without it, a PlanError on RHEL-like hosts', () => {
    expect(() =>
      selinuxPolicyOp.plan(
        {},
        factValues(
          [{ fact: 'os' }, ROCKY9],
          [{ fact: 'selinux' }, se('enforcing')],
          [{ fact: 'selinux_policy' }, policy()],
        ),
      ),
    ).toThrow(/not resolved from the desired state/);
    // Only identifiers reach the shell.
    const bad = {
      node: 'n',
      mode: 'enforcing',
      ports: [{ port: 1, proto: 'tcp', type: 'x;reboot', why: '' }],
      booleans: [],
      packages: [],
    };
    expect(selinuxPolicyOp.args.safeParse({ spec: bad }).success).toBe(false);
  });
});

describe('the selinux_policy fact', () => {
  it('parses getsebool -a and both semanage port listings', () => {
    const p = policy({ local: LOCAL_AFTER, all: PORTS_AFTER });
    expect(p.enabled).toBe(true);
    expect(p.semanage).toBe(true);
    expect(p.booleans.haproxy_connect_any).toBe(false);
    expect(p.booleans.abrt_upload_watch_anon_write).toBe(true);
    expect(p.localPorts).toEqual([
      { type: 'http_port_t', proto: 'tcp', low: 3307, high: 3307 },
      { type: 'http_port_t', proto: 'tcp', low: 8404, high: 8404 },
      { type: 'mysqld_port_t', proto: 'tcp', low: 4444, high: 4444 },
      { type: 'mysqld_port_t', proto: 'tcp', low: 4567, high: 4567 },
      { type: 'mysqld_port_t', proto: 'tcp', low: 4568, high: 4568 },
    ]);
    expect(p.ports).toContainEqual({ type: 'unreserved_port_t', proto: 'tcp', low: 1024, high: 32767 });
    expect(p.ports).toContainEqual({ type: 'hi_reserved_port_t', proto: 'sctp', low: 512, high: 1023 });
    expect(p.ports.filter((e) => e.low === 4444 && e.proto === 'tcp').map((e) => e.type)).toEqual([
      'kerberos_port_t',
      'mysqld_port_t',
    ]);
  });

  it('SELinux off: nothing but enabled=no; a failing or cut-short command is a parse error', () => {
    expect(OFF).toEqual({ enabled: false, semanage: false, booleans: {}, ports: [], localPorts: [] });
    const base = `selinux_policy\nsemanage=yes\nenabled=yes\n@getsebool\n${GETSEBOOL}\n@rc=0\n@local\n`;
    expect(() => selinuxPolicyFact.parse(`${base}@rc=1\n@all\n@rc=0\n`, 0, undefined)).toThrow(
      /`semanage port -l -C` failed \(exit 1\)/,
    );
    expect(() => selinuxPolicyFact.parse(`${base}@rc=0\n@all\n${PORTS}`, 0, undefined)).toThrow(/cut short/);
    expect(() =>
      selinuxPolicyFact.parse(`${base}@rc=0\n@all\nhttp_port_t tcp eighty\n@rc=0\n`, 0, undefined),
    ).toThrow(/unexpected semanage port line/);
  });

  it('its snippet runs nothing of SELinux where selinuxfs is not mounted', () => {
    const cmd = selinuxPolicyFact.command(undefined);
    expect(cmd).toContain('if [ -r /sys/fs/selinux/enforce ]; then');
    expect(cmd.indexOf('getsebool -a')).toBeGreaterThan(cmd.indexOf('/sys/fs/selinux/enforce'));
    expect(selinuxPolicyFact.become).toBe(true);
  });
});

describe('playbooks/prepare.yaml', () => {
  it('after the SELinux mode: semanage where the host needs it, then selinux_policy (tag selinux), on RHEL-like hosts', async () => {
    expect(registryOps.get('selinux_policy'), 'registered with the component ops').toBe(selinuxPolicyOp);
    const [play] = (await loadPlaybook('playbooks/prepare.yaml', registryOps)).plays;
    const tasks = play?.tasks ?? [];
    const i = tasks.findIndex((t) => t.op === 'selinux');
    expect(tasks.slice(i, i + 3).map((t) => t.op)).toEqual(['selinux', 'package', 'selinux_policy']);
    const [, tools, apply] = tasks.slice(i, i + 3) as [unknown, (typeof tasks)[0], (typeof tasks)[0]];
    expect(tools.tags).toContain('selinux');
    expect(apply.tags).toContain('selinux');
    expect(apply.args).toEqual({});
    expect(tools.register).toBe('selinux_tools');
    const scope = (os: OsInfo, packages: string[], extra: Record<string, unknown> = {}) => ({
      facts: { os },
      state: { selinux: { packages } },
      ...extra,
    });
    const runs = (t: (typeof tasks)[0], s: unknown) => t.when.every((w) => evalCondition(w, s));
    expect(runs(tools, scope(ROCKY9, [SEMANAGE_PACKAGE]))).toBe(true);
    expect(runs(tools, scope(DEBIAN, []))).toBe(false);
    expect(runs(apply, scope(ROCKY9, []))).toBe(true);
    // Skipped on Debian (not even its facts gathered): no extra round trip.
    expect(runs(apply, scope(DEBIAN, []))).toBe(false);
    // --check where semanage would be installed first: nothing to read the labels with yet, so skipped (not failed).
    const wouldInstall = {
      check_mode: true,
      selinux_tools: { changed: true, failed: false, skipped: false },
    };
    expect(runs(apply, scope(ROCKY9, [SEMANAGE_PACKAGE], wouldInstall))).toBe(false);
    expect(runs(apply, scope(ROCKY9, [SEMANAGE_PACKAGE], { ...wouldInstall, check_mode: false }))).toBe(true);
    expect(runs(apply, scope(ROCKY9, [], { check_mode: true, selinux_tools: { changed: false } }))).toBe(
      true,
    );
  });
});
