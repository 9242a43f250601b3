import { describe, expect, it } from 'vitest';
import { haRepositoryOp } from '../../src/components/pacemaker/ha-repository-op.js';
import { registryOps } from '../../src/executor/registries.js';
import type { DnfRepos } from '../../src/facts/dnf-repos.js';
import type { OsInfo } from '../../src/facts/os.js';
import { type Plan, PlanError } from '../../src/ops/index.js';
import { evalCondition } from '../../src/playbook/expr.js';
import { loadPlaybook } from '../../src/playbook/load.js';
import { commands, factValues } from './helpers.js';

/** os facts as the `os` fact parses each distribution's /etc/os-release. */
function os(id: string, version: string, prettyName: string, idLike: string[] = []): OsInfo {
  const major = /^\d+/.exec(version);
  return {
    family: id === 'debian' ? 'debian' : 'rhel',
    id,
    idLike,
    version,
    major: major ? Number(major[0]) : null,
    codename: id === 'debian' ? 'bookworm' : null,
    prettyName,
  };
}

/** dnf_repos facts: the given repositories (id → enabled) plus the usual base/appstream ones. */
function dnf(repos: Record<string, boolean>, over: Partial<DnfRepos> = {}): DnfRepos {
  return {
    dnf: 'dnf4',
    arch: 'x86_64',
    configManager: true,
    subscription: 'absent',
    repos: Object.entries({ appstream: true, baseos: true, ...repos }).map(([id, enabled]) => ({
      id,
      enabled,
    })),
    listFailed: null,
    ...over,
  };
}

function plan(o: OsInfo, r: DnfRepos, args: unknown = {}): Plan {
  return haRepositoryOp.plan(
    haRepositoryOp.args.parse(args),
    factValues([{ fact: 'os' }, o], [{ fact: 'dnf_repos' }, r]),
  );
}

function planError(o: OsInfo, r: DnfRepos, args: unknown = {}): string {
  try {
    plan(o, r, args);
  } catch (e) {
    expect(e, 'a PlanError').toBeInstanceOf(PlanError);
    return (e as Error).message;
  }
  throw new Error(`expected a PlanError for ${o.id} ${o.version}, got a plan`);
}

const ROCKY8 = os('rocky', '8.10', 'Rocky Linux 8.10 (Green Obsidian)', ['rhel', 'centos', 'fedora']);
const ROCKY9 = os('rocky', '9.4', 'Rocky Linux 9.4 (Blue Onyx)', ['rhel', 'centos', 'fedora']);
const ROCKY10 = os('rocky', '10.0', 'Rocky Linux 10.0 (Red Quartz)', ['rhel', 'centos', 'fedora']);
const ALMA8 = os('almalinux', '8.10', 'AlmaLinux 8.10 (Cerulean Leopard)', ['rhel', 'centos', 'fedora']);
const ALMA9 = os('almalinux', '9.4', 'AlmaLinux 9.4 (Seafoam Ocelot)', ['rhel', 'centos', 'fedora']);
const ALMA10 = os('almalinux', '10.0', 'AlmaLinux 10.0 (Purple Lion)', ['rhel', 'centos', 'fedora']);
const STREAM8 = os('centos', '8', 'CentOS Stream 8', ['rhel', 'fedora']);
const STREAM9 = os('centos', '9', 'CentOS Stream 9', ['rhel', 'fedora']);
const STREAM10 = os('centos', '10', 'CentOS Stream 10 (Coughlan)', ['rhel', 'fedora']);
const RHEL8 = os('rhel', '8.10', 'Red Hat Enterprise Linux 8.10 (Ootpa)', ['fedora']);
const RHEL9 = os('rhel', '9.4', 'Red Hat Enterprise Linux 9.4 (Plow)', ['fedora']);
const RHEL10 = os('rhel', '10.0', 'Red Hat Enterprise Linux 10.0 (Coughlan)', ['centos', 'fedora']);
const OL8 = os('ol', '8.10', 'Oracle Linux Server 8.10', ['fedora']);
const OL9 = os('ol', '9.4', 'Oracle Linux Server 9.4', ['fedora']);
const FEDORA = os('fedora', '41', 'Fedora Linux 41 (Server Edition)');
const DEBIAN = os('debian', '12', 'Debian GNU/Linux 12 (bookworm)');

const REG = { subscription: 'registered' } as const;
const rhelRepo = (major: number, arch: string) => `rhel-${major}-for-${arch}-highavailability-rpms`;

/** Distribution → the commands planned on a fresh host (HA repository defined, disabled). */
const TABLE: Array<[string, OsInfo, DnfRepos, string[]]> = [
  ['Rocky Linux 8', ROCKY8, dnf({ ha: false }), ['dnf config-manager --set-enabled ha']],
  [
    'Rocky Linux 9',
    ROCKY9,
    dnf({ highavailability: false }),
    ['dnf config-manager --set-enabled highavailability'],
  ],
  [
    'Rocky Linux 10',
    ROCKY10,
    dnf({ highavailability: false }),
    ['dnf config-manager --set-enabled highavailability'],
  ],
  ['AlmaLinux 8', ALMA8, dnf({ ha: false }), ['dnf config-manager --set-enabled ha']],
  [
    'AlmaLinux 9',
    ALMA9,
    dnf({ highavailability: false }),
    ['dnf config-manager --set-enabled highavailability'],
  ],
  [
    'AlmaLinux 10',
    ALMA10,
    dnf({ highavailability: false }),
    ['dnf config-manager --set-enabled highavailability'],
  ],
  ['CentOS Stream 8', STREAM8, dnf({ ha: false }), ['dnf config-manager --set-enabled ha']],
  [
    'CentOS Stream 9',
    STREAM9,
    dnf({ highavailability: false }),
    ['dnf config-manager --set-enabled highavailability'],
  ],
  [
    'CentOS Stream 10',
    STREAM10,
    dnf({ highavailability: false }),
    ['dnf config-manager --set-enabled highavailability'],
  ],
  [
    'RHEL 8 x86_64',
    RHEL8,
    dnf({ [rhelRepo(8, 'x86_64')]: false }, REG),
    ['subscription-manager repos --enable=rhel-8-for-x86_64-highavailability-rpms'],
  ],
  [
    'RHEL 8 aarch64',
    RHEL8,
    dnf({ [rhelRepo(8, 'aarch64')]: false }, { ...REG, arch: 'aarch64' }),
    ['subscription-manager repos --enable=rhel-8-for-aarch64-highavailability-rpms'],
  ],
  [
    'RHEL 9 x86_64',
    RHEL9,
    dnf({ [rhelRepo(9, 'x86_64')]: false }, REG),
    ['subscription-manager repos --enable=rhel-9-for-x86_64-highavailability-rpms'],
  ],
  [
    'RHEL 9 aarch64',
    RHEL9,
    dnf({ [rhelRepo(9, 'aarch64')]: false }, { ...REG, arch: 'aarch64' }),
    ['subscription-manager repos --enable=rhel-9-for-aarch64-highavailability-rpms'],
  ],
  [
    'RHEL 10 x86_64',
    RHEL10,
    dnf({ [rhelRepo(10, 'x86_64')]: false }, REG),
    ['subscription-manager repos --enable=rhel-10-for-x86_64-highavailability-rpms'],
  ],
  ['Oracle Linux 8', OL8, dnf({ ol8_addons: false }), ['dnf config-manager --set-enabled ol8_addons']],
  ['Oracle Linux 9', OL9, dnf({ ol9_addons: false }), ['dnf config-manager --set-enabled ol9_addons']],
  ['Fedora 41 (dnf5)', FEDORA, dnf({ fedora: true, updates: true }, { dnf: 'dnf5' }), []],
  ['Debian 12', DEBIAN, dnf({}, { dnf: null, repos: [] }), []],
];

describe('ha_repository (planner, fixture facts)', () => {
  it('asks for the os and dnf_repos facts', () => {
    expect(haRepositoryOp.facts(haRepositoryOp.args.parse({}))).toEqual([
      { fact: 'os' },
      { fact: 'dnf_repos' },
    ]);
  });

  it.each(TABLE)('%s: plans exactly the expected commands', (_name, o, r, want) => {
    const p = plan(o, r);
    expect(commands(p), `${o.prettyName} (ID=${o.id} VERSION_ID=${o.version})`).toEqual(want);
    if (want.length)
      expect(p.summary).toMatch(/^enable repository \S+ \((subscription-manager|dnf config-manager)\)$/);
  });

  it.each(TABLE.filter(([, , , want]) => want.length > 0))(
    '%s: already enabled → nothing (changed=0 on a rerun)',
    (_name, o, r) => {
      const enabled = { ...r, repos: r.repos.map((x) => ({ ...x, enabled: true })) };
      expect(plan(o, enabled)).toEqual({ steps: [] });
    },
  );

  it('config-manager missing: dnf-plugins-core is installed first (dnf 4), dnf5-plugins with dnf 5', () => {
    expect(commands(plan(ROCKY9, dnf({ highavailability: false }, { configManager: false })))).toEqual([
      'dnf install -y -q dnf-plugins-core',
      'dnf config-manager --set-enabled highavailability',
    ]);
    const p = plan(FEDORA, dnf({ 'mirror-ha': false }, { dnf: 'dnf5', configManager: false }), {
      repo: 'mirror-ha',
    });
    expect(commands(p)).toEqual([
      'dnf install -y -q dnf5-plugins',
      'dnf config-manager setopt mirror-ha.enabled=1',
    ]);
    expect(p.summary).toBe('enable repository mirror-ha (dnf config-manager, installed first)');
  });

  it('repo: an operator mirror replaces the distribution repository, on any RHEL-like host', () => {
    const r = dnf({ highavailability: false, 'corp-ha-9': false });
    expect(commands(plan(ROCKY9, r, { repo: 'corp-ha-9' }))).toEqual([
      'dnf config-manager --set-enabled corp-ha-9',
    ]);
    // A RHEL host registered or not: a mirror is a local .repo file, not a subscription-manager repository.
    expect(commands(plan(RHEL9, { ...r, subscription: 'registered' }, { repo: 'corp-ha-9' }))).toEqual([
      'dnf config-manager --set-enabled corp-ha-9',
    ]);
    // Also the way out for a distribution hakit does not know.
    expect(commands(plan(os('eurolinux', '9.4', 'EuroLinux 9.4'), r, { repo: 'corp-ha-9' }))).toEqual([
      'dnf config-manager --set-enabled corp-ha-9',
    ]);
    expect(plan(ROCKY9, dnf({ 'corp-ha-9': true }), { repo: 'corp-ha-9' })).toEqual({ steps: [] });
    expect(plan(DEBIAN, dnf({}, { dnf: null }), { repo: 'corp-ha-9' })).toEqual({ steps: [] });
    expect(planError(ROCKY9, dnf({}), { repo: 'corp-ha-9' })).toBe(
      'ha_repository: repository corp-ha-9 is not defined on this host (dnf knows: appstream, baseos): define it in /etc/yum.repos.d first',
    );
  });

  it('repo: only a plain repository id reaches the shell', () => {
    for (const bad of ['--enablerepo=*', 'ha*', 'ha;reboot', 'a b', "ha'", '$(id)', '', '-x'])
      expect(haRepositoryOp.args.safeParse({ repo: bad }).success, JSON.stringify(bad)).toBe(false);
    for (const good of ['ha', 'ol9_addons', 'rhel-9-for-x86_64-highavailability-rpms', 'corp:ha.9'])
      expect(haRepositoryOp.args.safeParse({ repo: good }).success, good).toBe(true);
    expect(haRepositoryOp.args.safeParse({ repos: 'ha' }).success, 'unknown key').toBe(false);
  });

  it('an unknown RHEL-like distribution: PlanError naming its os-release ID and version and what to do', () => {
    const msg = planError(os('amzn', '2023', 'Amazon Linux 2023.6.20241212', ['fedora']), dnf({}));
    expect(msg).toBe(
      'ha_repository: Amazon Linux 2023.6.20241212 (os-release ID=amzn VERSION_ID=2023) is a RHEL-like distribution hakit does not know: enable the repository that carries its High Availability packages by hand, or give ha_repository the id of a repository that carries corosync and pacemaker (`repo:`)',
    );
  });

  it('an unsupported version: PlanError naming ID and VERSION_ID (EL7 out of scope, Oracle Linux 10 unknown)', () => {
    expect(
      planError(os('rhel', '7.9', 'Red Hat Enterprise Linux Server 7.9 (Maipo)'), dnf({}, { dnf: null })),
    ).toBe(
      'ha_repository: Red Hat Enterprise Linux Server 7.9 (Maipo) (os-release ID=rhel VERSION_ID=7.9): EL7 and older (yum, Pacemaker 1.1) are out of scope; hakit supports EL 8 and later (on RHEL 7 the repository was rhel-ha-for-rhel-7-server-rpms)',
    );
    expect(planError(os('centos', '7', 'CentOS Linux 7 (Core)'), dnf({}, { dnf: null }))).toMatch(
      /ID=centos VERSION_ID=7\): EL7 and older .* out of scope/,
    );
    expect(planError(os('ol', '10.0', 'Oracle Linux Server 10.0'), dnf({ ol10_addons: false }))).toBe(
      'ha_repository: Oracle Linux Server 10.0 (os-release ID=ol VERSION_ID=10.0): no known High Availability repository for this version: enable the repository that carries corosync, pacemaker, resource-agents and fence-agents by hand, or give ha_repository the id of a repository that carries corosync and pacemaker (`repo:`)',
    );
  });

  it('RHEL not registered (or without subscription-manager): PlanError saying how to get the repository', () => {
    expect(planError(RHEL9, dnf({}, { subscription: 'unregistered' }))).toMatch(
      /^ha_repository: repository rhel-9-for-x86_64-highavailability-rpms is not defined on this host \(dnf knows: appstream, baseos\): this RHEL host is not registered: register it \(subscription-manager register\) with the High Availability add-on and rerun, or, on a cloud image \(RHUI\) or with a mirror, give `repo:`/,
    );
    expect(planError(RHEL9, dnf({}))).toMatch(/this RHEL host is without subscription-manager: register it/);
    // The repository defined locally (e.g. a mirror under the same id) on an unregistered host: config-manager.
    expect(
      commands(plan(RHEL9, dnf({ [rhelRepo(9, 'x86_64')]: false }, { subscription: 'unregistered' }))),
    ).toEqual(['dnf config-manager --set-enabled rhel-9-for-x86_64-highavailability-rpms']);
    // Registered but the repository is not (yet) in redhat.repo: subscription-manager says whether it is entitled.
    expect(commands(plan(RHEL9, dnf({}, REG)))).toEqual([
      'subscription-manager repos --enable=rhel-9-for-x86_64-highavailability-rpms',
    ]);
  });

  it('RHEL on an architecture without the add-on: PlanError', () => {
    expect(planError(RHEL9, dnf({}, { ...REG, arch: 'i686' }))).toBe(
      'ha_repository: Red Hat Enterprise Linux 9.4 (Plow) (os-release ID=rhel VERSION_ID=9.4): no High Availability add-on for architecture "i686"',
    );
  });

  it('the distribution repository missing from dnf: PlanError listing what dnf knows', () => {
    const many = Object.fromEntries(Array.from({ length: 14 }, (_, i) => [`r${i}`, false]));
    expect(planError(ROCKY9, dnf(many))).toBe(
      "ha_repository: repository highavailability is not defined on this host (dnf knows: appstream, baseos, r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, … (16 in all)): reinstall the distribution's release/repos package or enable the repository that carries pacemaker by hand and give its id as `repo:`",
    );
  });

  it('no dnf or a failed repolist on a RHEL-like host: PlanError', () => {
    expect(planError(ROCKY9, dnf({}, { dnf: null, repos: [] }))).toBe(
      'ha_repository: no dnf on this host: cannot enable highavailability (EL 8 and later use dnf)',
    );
    expect(planError(ROCKY9, dnf({}, { listFailed: 1 }))).toBe(
      'ha_repository: `dnf repolist --all` failed (exit 1): run it on the host to see why, then rerun',
    );
  });
});

describe('playbooks/packages.yaml', () => {
  it('enables the HA repository before the package install, only on RHEL-like hosts', async () => {
    expect(registryOps.get('ha_repository'), 'registered with the component ops').toBe(haRepositoryOp);
    const [play] = (await loadPlaybook('playbooks/packages.yaml', registryOps)).plays;
    const ops = play?.tasks.map((t) => t.op);
    expect(ops).toEqual(['ha_repository', 'package']);
    const task = play!.tasks[0]!;
    expect(task.args).toEqual({});
    const when = (o: OsInfo) => task.when.every((w) => evalCondition(w, { facts: { os: o } }));
    // Skipped (not even its facts gathered) on the Debian sandbox: no extra round trip, changed=0.
    expect(when(DEBIAN), 'Debian').toBe(false);
    for (const o of [ROCKY9, RHEL9, OL8, FEDORA]) expect(when(o), o.prettyName).toBe(true);
  });
});
