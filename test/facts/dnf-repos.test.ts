import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DnfRepos, parseRepolist } from '../../src/facts/dnf-repos.js';
import { batchFactCommand, getFact, parseFactBatch } from '../../src/facts/index.js';

/**
 * `LC_ALL=C dnf -q repolist --all` as each dnf prints it when stdout is not a terminal (80 columns).
 * dnf 4 (EL8, EL9 and EL10 — RHEL 10 kept dnf 4; dnf 5 replaces it from EL11): `repo id`, `repo name`, `status`,
 * the status left-aligned, the name cut to fit (dnf/cli/commands/repolist.py). dnf 5 (Fedora 41+): a
 * libsmartcols table, the status right-aligned (` enabled`), the name cut (libdnf5-cli/output/repolist.cpp).
 */
const ROCKY9 = `repo id                  repo name                                      status
appstream                Rocky Linux 9 - AppStream                      enabled
appstream-debug          Rocky Linux 9 - AppStream - Debug              disabled
appstream-source         Rocky Linux 9 - AppStream - Source             disabled
baseos                   Rocky Linux 9 - BaseOS                         enabled
baseos-debug             Rocky Linux 9 - BaseOS - Debug                 disabled
baseos-source            Rocky Linux 9 - BaseOS - Source                disabled
crb                      Rocky Linux 9 - CRB                            disabled
devel                    Rocky Linux 9 - Devel WARNING! FOR BUILDROOT O disabled
extras                   Rocky Linux 9 - Extras                         enabled
highavailability         Rocky Linux 9 - High Availability              disabled
highavailability-debug   Rocky Linux 9 - High Availability - Debug      disabled
highavailability-source  Rocky Linux 9 - High Availability - Source     disabled
nfv                      Rocky Linux 9 - Real Time NFV                  disabled
plus                     Rocky Linux 9 - Plus                           disabled
resilient-storage        Rocky Linux 9 - Resilient Storage              disabled
resilient-storage-source Rocky Linux 9 - Resilient Storage - Source     disabled
rt                       Rocky Linux 9 - Real Time                      disabled
sap                      Rocky Linux 9 - SAP                            disabled
saphana                  Rocky Linux 9 - SAP HANA                       disabled
`;

const ROCKY8 = `repo id           repo name                                             status
appstream         Rocky Linux 8 - AppStream                             enabled
appstream-debug   Rocky Linux 8 - AppStream - Debug                     disabled
baseos            Rocky Linux 8 - BaseOS                                enabled
baseos-debug      Rocky Linux 8 - BaseOS - Debug                        disabled
devel             Rocky Linux 8 - Devel WARNING! FOR BUILDROOT AND KOJI disabled
extras            Rocky Linux 8 - Extras                                enabled
ha                Rocky Linux 8 - HighAvailability                      disabled
ha-debug          Rocky Linux 8 - High Availability - Debug             disabled
nfv               Rocky Linux 8 - Real Time NFV                         disabled
plus              Rocky Linux 8 - Plus                                  disabled
powertools        Rocky Linux 8 - PowerTools                            disabled
resilient-storage Rocky Linux 8 - ResilientStorage                      disabled
rt                Rocky Linux 8 - Realtime                              disabled
`;

/** RHEL 9, registered: long ids squeeze the name column to a stub; a subscription-manager notice first. */
const RHEL9 = `Updating Subscription Management repositories.
repo id                                        repo name                status
codeready-builder-for-rhel-9-x86_64-rpms       Red Hat CodeReady Linux  disabled
rhel-9-for-x86_64-appstream-debug-rpms         Red Hat Enterprise Linux disabled
rhel-9-for-x86_64-appstream-rpms               Red Hat Enterprise Linux enabled
rhel-9-for-x86_64-appstream-source-rpms        Red Hat Enterprise Linux disabled
rhel-9-for-x86_64-baseos-debug-rpms            Red Hat Enterprise Linux disabled
rhel-9-for-x86_64-baseos-rpms                  Red Hat Enterprise Linux enabled
rhel-9-for-x86_64-baseos-source-rpms           Red Hat Enterprise Linux disabled
rhel-9-for-x86_64-highavailability-debug-rpms  Red Hat Enterprise Linux disabled
rhel-9-for-x86_64-highavailability-rpms        Red Hat Enterprise Linux disabled
rhel-9-for-x86_64-highavailability-source-rpms Red Hat Enterprise Linux disabled
rhel-9-for-x86_64-resilientstorage-rpms        Red Hat Enterprise Linux disabled
rhel-9-for-x86_64-supplementary-rpms           Red Hat Enterprise Linux disabled
`;

/** CentOS Stream 10 (dnf 4.20), the HA repository already enabled. */
const CS10 = `repo id                    repo name                                    status
appstream                  CentOS Stream 10 - AppStream                 enabled
appstream-source           CentOS Stream 10 - AppStream - Source        disabled
baseos                     CentOS Stream 10 - BaseOS                    enabled
crb                        CentOS Stream 10 - CRB                       disabled
extras-common              CentOS Stream 10 - Extras packages           enabled
highavailability           CentOS Stream 10 - HighAvailability          enabled
highavailability-debuginfo CentOS Stream 10 - HighAvailability - Debug  disabled
resilientstorage           CentOS Stream 10 - ResilientStorage          disabled
`;

const FEDORA41 = `repo id                         repo name                                 status
fedora                          Fedora 41 - x86_64                       enabled
fedora-cisco-openh264           Fedora 41 openh264 (From Cisco) - x86_6  enabled
fedora-cisco-openh264-debuginfo Fedora 41 openh264 (From Cisco) - x86_6 disabled
fedora-debuginfo                Fedora 41 - x86_64 - Debug              disabled
fedora-source                   Fedora 41 - Source                      disabled
updates                         Fedora 41 - x86_64 - Updates             enabled
updates-debuginfo               Fedora 41 - x86_64 - Updates - Debug    disabled
updates-source                  Fedora 41 - Updates Source              disabled
updates-testing                 Fedora 41 - x86_64 - Test Updates       disabled
updates-testing-debuginfo       Fedora 41 - x86_64 - Test Updates Debug disabled
updates-testing-source          Fedora 41 - Test Updates Source         disabled
`;

/** Older dnf (the one that counted packages): `enabled: N`, and `*` before an id whose metalink is newer. */
const OLD_DNF = `repo id              repo name                                       status
AppStream            CentOS-8 - AppStream                            enabled: 5,282
*epel                Extra Packages for Enterprise Linux 8 - x86_64  enabled: 5,963
HighAvailability     CentOS-8 - HA                                   disabled
`;

/** The fact's stdout around a repolist. */
function factOut(
  list: string | null,
  { dnf = 'dnf4', arch = 'x86_64', cm = 'yes', sub = 'absent', rc = 0 } = {},
): string {
  const head = `dnf_repos\ndnf=${dnf}\narch=${arch}\nconfig_manager=${cm}\nsubscription=${sub}\n`;
  return list === null ? head : `${head}repolist\n${list}\nrepolist_rc=${rc}\n`;
}

function parse(stdout: string): DnfRepos {
  const f = getFact('dnf_repos');
  return f.schema.parse(f.parse(stdout, 0, undefined)) as DnfRepos;
}

const ids = (r: DnfRepos, enabled: boolean) => r.repos.filter((x) => x.enabled === enabled).map((x) => x.id);

describe('dnf_repos: dnf 4 (EL8, EL9, EL10)', () => {
  it('Rocky 9: every id with its status; highavailability is there, disabled', () => {
    const r = parse(factOut(ROCKY9));
    expect(r).toMatchObject({
      dnf: 'dnf4',
      arch: 'x86_64',
      configManager: true,
      subscription: 'absent',
      listFailed: null,
    });
    expect(r.repos).toHaveLength(19);
    expect(ids(r, true)).toEqual(['appstream', 'baseos', 'extras']);
    expect(r.repos.find((x) => x.id === 'highavailability')).toEqual({
      id: 'highavailability',
      enabled: false,
    });
    // A name cut by the column width (`… BUILDROOT O`) does not matter: the id is the first word.
    expect(r.repos.find((x) => x.id === 'devel')).toEqual({ id: 'devel', enabled: false });
  });

  it('Rocky 8: ha (and ha-debug) disabled', () => {
    const r = parse(factOut(ROCKY8));
    expect(r.repos.filter((x) => x.id.startsWith('ha'))).toEqual([
      { id: 'ha', enabled: false },
      { id: 'ha-debug', enabled: false },
    ]);
    expect(ids(r, true)).toEqual(['appstream', 'baseos', 'extras']);
  });

  it('RHEL 9 registered: long ids, names cut to a stub, a notice line before the table', () => {
    const r = parse(factOut(RHEL9, { sub: 'registered' }));
    expect(r.subscription).toBe('registered');
    expect(r.repos.map((x) => x.id)).not.toContain('Updating');
    expect(r.repos).toHaveLength(12);
    expect(ids(r, true)).toEqual(['rhel-9-for-x86_64-appstream-rpms', 'rhel-9-for-x86_64-baseos-rpms']);
    expect(r.repos).toContainEqual({ id: 'rhel-9-for-x86_64-highavailability-rpms', enabled: false });
  });

  it('CentOS Stream 10: highavailability enabled', () => {
    expect(parse(factOut(CS10)).repos).toContainEqual({ id: 'highavailability', enabled: true });
  });

  it('older dnf: `enabled: N` counts and a `*` before the id', () => {
    expect(parseRepolist(OLD_DNF.split('\n'))).toEqual([
      { id: 'AppStream', enabled: true },
      { id: 'epel', enabled: true },
      { id: 'HighAvailability', enabled: false },
    ]);
  });
});

describe('dnf_repos: dnf 5 (Fedora 41+)', () => {
  it('right-aligned status (` enabled`), cut names', () => {
    const r = parse(factOut(FEDORA41, { dnf: 'dnf5', cm: 'no' }));
    expect(r.dnf).toBe('dnf5');
    expect(r.configManager).toBe(false);
    expect(r.repos).toHaveLength(11);
    expect(ids(r, true)).toEqual(['fedora', 'fedora-cisco-openh264', 'updates']);
    expect(r.repos[2]).toEqual({ id: 'fedora-cisco-openh264-debuginfo', enabled: false });
  });
});

describe('dnf_repos: other cases', () => {
  it('no dnf (Debian, or a yum-only host): no list', () => {
    expect(parse(factOut(null, { dnf: 'none', cm: 'no', arch: 'aarch64' }))).toEqual({
      dnf: null,
      arch: 'aarch64',
      configManager: false,
      subscription: 'absent',
      repos: [],
      listFailed: null,
    });
  });

  it('dnf repolist failed: its exit code, whatever it printed', () => {
    expect(parse(factOut('', { rc: 1 }))).toMatchObject({ repos: [], listFailed: 1 });
  });

  it('a repeated id counts once (dnf ignores the second definition)', () => {
    expect(parseRepolist(['ha  A  enabled', 'ha  B  disabled'])).toEqual([{ id: 'ha', enabled: true }]);
  });

  it('rejects a cut-short or garbled output', () => {
    expect(() => parse('')).toThrow(/header/);
    expect(() => parse(factOut(ROCKY9).replace(/repolist_rc=0\n$/, ''))).toThrow(/cut short/);
    expect(() => parse(factOut(null).replace('dnf=dnf4', 'dnf=yum'))).toThrow(/dnf=/);
    expect(() => parse(factOut(null).replace('subscription=absent', 'subscription=maybe'))).toThrow(
      /subscription=/,
    );
    expect(() => parse(`${factOut(null, { dnf: 'none' })}surprise=1\n`)).toThrow(/unexpected line/);
  });
});

describe.each(['sh', 'bash'])('dnf_repos snippet, run by %s with a stand-in dnf', (shell) => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hakit-dnf-repos-'));
    // Prints the Rocky 9 table only when called as the snippet must call it (C locale, -q repolist --all).
    writeFileSync(
      join(dir, 'dnf'),
      `#!/bin/sh\n[ "$LC_ALL" = C ] || { echo "LC_ALL=$LC_ALL" >&2; exit 7; }\n[ "$*" = "-q repolist --all" ] || exit 8\ncat <<'EOF'\n${ROCKY9}EOF\n`,
    );
    chmodSync(join(dir, 'dnf'), 0o755);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (path: string) => {
    const reqs = [{ fact: 'dnf_repos' }];
    const r = spawnSync(shell, ['-c', batchFactCommand(reqs)], {
      encoding: 'utf8',
      env: { ...process.env, PATH: path },
    });
    expect(r.status, r.stderr).toBe(0);
    return parseFactBatch(reqs, r.stdout).get('dnf_repos') as DnfRepos;
  };

  it('lists the repositories, with this machine’s architecture', () => {
    const arch = spawnSync('uname', ['-m'], { encoding: 'utf8' }).stdout.trim();
    const r = run(`${dir}:${process.env.PATH}`);
    // This test host has no dnf of its own: no dnf5, no config-manager plugin, no subscription-manager.
    expect(r).toMatchObject({
      dnf: 'dnf4',
      arch,
      configManager: false,
      subscription: 'absent',
      listFailed: null,
    });
    expect(r.repos).toHaveLength(19);
    expect(r.repos).toContainEqual({ id: 'highavailability', enabled: false });
  });

  it('without dnf: no list, nothing run', () => {
    expect(run('/usr/bin:/bin')).toMatchObject({ dnf: null, repos: [], listFailed: null });
  });
});
