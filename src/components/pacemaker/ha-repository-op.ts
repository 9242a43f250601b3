import { z } from 'zod';
import { type DnfRepos, repoId } from '../../facts/dnf-repos.js';
import type { OsInfo } from '../../facts/os.js';
import { need } from '../../ops/common.js';
import { PlanError } from '../../ops/errors.js';
import type { FactRequest, Operation, Plan, Step } from '../../ops/types.js';
import { shq } from '../../shell/posix.js';

export const haRepositoryArgs = z.strictObject({
  /**
   * The operator's own repository (a mirror defined in /etc/yum.repos.d) instead of the distribution's: it is
   * enabled with `dnf config-manager` on any RHEL-like host, whatever the distribution.
   */
  repo: repoId.optional(),
});
type HaRepositoryArgs = z.infer<typeof haRepositoryArgs>;

const OP = 'ha_repository';
const OS: FactRequest = { fact: 'os' };
const REPOS: FactRequest = { fact: 'dnf_repos' };
/** The architectures RHEL's High Availability add-on is built for (pacemaker.spec ExclusiveArch, less i686). */
const RHEL_ARCHES = ['x86_64', 'aarch64', 'ppc64le', 's390x'];

/** Where a distribution keeps corosync, pacemaker, resource-agents and fence-agents, and how it is enabled. */
interface Target {
  id: string;
  via: 'subscription-manager' | 'config-manager';
}

/**
 * The repository carrying the HA packages, per os-release ID and major version; null: nothing to enable.
 *
 * Sources (checked against each distribution's shipped .repo files):
 * - RHEL 8/9/10: `rhel-N-for-ARCH-highavailability-rpms`, enabled with `subscription-manager repos --enable`
 *   (linux-system-roles/ha_cluster vars/RedHat_8.yml, RedHat_9.yml, RedHat_10.yml and
 *   tasks/enable-repositories/RedHat.yml; dnf-config-manager(8) warns against config-manager on repositories
 *   subscription-manager generates). RHEL 7 was `rhel-ha-for-rhel-7-server-rpms` (yum; out of scope).
 * - CentOS Stream 8 `ha`, 9 and 10 `highavailability` (ha_cluster vars/CentOS_8.yml, CentOS_9.yml, CentOS_10.yml;
 *   tasks/enable-repositories/CentOS.yml runs `dnf config-manager --set-enabled`).
 * - Rocky Linux 8 `[ha]`, 9 `[highavailability]` (Rocky-HighAvailability.repo / rocky-addons.repo,
 *   OndrejHome/ansible.ha-cluster-pacemaker tasks/rocky_repos.yml); 10 follows EL10 (`highavailability`).
 * - AlmaLinux 8 `[ha]`, 9 and 10 `[highavailability]` (almalinux-ha.repo / almalinux-highavailability.repo;
 *   ansible.ha-cluster-pacemaker tasks/almalinux_repos.yml).
 * - Oracle Linux 8/9: pacemaker, pcs and corosync are in `ol8_addons` / `ol9_addons` (Oracle's HA clustering
 *   guide; centreon-documentation installation-of-centreon-ha: `dnf config-manager --enable ol9_addons`). Nothing
 *   confirms where OL 10 ships them: not guessed.
 * - Fedora: in the main repositories.
 */
function haTarget(os: OsInfo, arch: string): Target | null {
  const m = os.major;
  const where = `${os.prettyName} (os-release ID=${os.id} VERSION_ID=${os.version || '(none)'})`;
  const byHand = (repo: string) =>
    `enable ${repo} by hand, or give ha_repository the id of a repository that carries corosync and pacemaker (\`repo:\`)`;
  if (m !== null && m <= 7 && ['rhel', 'centos', 'rocky', 'almalinux', 'ol'].includes(os.id))
    throw new PlanError(
      OP,
      `${where}: EL7 and older (yum, Pacemaker 1.1) are out of scope; hakit supports EL 8 and later (on RHEL 7 the repository was rhel-ha-for-rhel-7-server-rpms)`,
    );
  switch (os.id) {
    case 'fedora':
      return null;
    case 'rhel':
      if (m !== 8 && m !== 9 && m !== 10) break;
      if (!RHEL_ARCHES.includes(arch))
        throw new PlanError(OP, `${where}: no High Availability add-on for architecture "${arch}"`);
      return { id: `rhel-${m}-for-${arch}-highavailability-rpms`, via: 'subscription-manager' };
    case 'centos':
    case 'rocky':
    case 'almalinux':
      if (m === 8) return { id: 'ha', via: 'config-manager' };
      if (m === 9 || m === 10) return { id: 'highavailability', via: 'config-manager' };
      break;
    case 'ol':
      if (m === 8 || m === 9) return { id: `ol${m}_addons`, via: 'config-manager' };
      break;
    default:
      throw new PlanError(
        OP,
        `${where} is a RHEL-like distribution hakit does not know: ${byHand('the repository that carries its High Availability packages')}`,
      );
  }
  throw new PlanError(
    OP,
    `${where}: no known High Availability repository for this version: ${byHand('the repository that carries corosync, pacemaker, resource-agents and fence-agents')}`,
  );
}

/** The ids dnf knows, for an error message (the first 12). */
function known(r: DnfRepos): string {
  if (r.repos.length === 0) return 'none at all';
  const ids = r.repos.map((x) => x.id);
  return ids.length > 12 ? `${ids.slice(0, 12).join(', ')}, … (${ids.length} in all)` : ids.join(', ');
}

/** `dnf config-manager` (installed first when missing) enabling `id`; dnf5 spells it `setopt ID.enabled=1`. */
function configManagerSteps(r: DnfRepos, id: string): Step[] {
  const steps: Step[] = [];
  if (!r.configManager)
    steps.push({
      kind: 'exec',
      command: `dnf install -y -q ${r.dnf === 'dnf5' ? 'dnf5-plugins' : 'dnf-plugins-core'}`,
    });
  steps.push({
    kind: 'exec',
    command:
      r.dnf === 'dnf5'
        ? `dnf config-manager setopt ${shq(`${id}.enabled=1`)}`
        : `dnf config-manager --set-enabled ${shq(id)}`,
  });
  return steps;
}

/**
 * Enables the repository that carries the HA packages (corosync, pacemaker, resource-agents, fence-agents) on
 * RHEL-like hosts, the way each distribution names and enables it; run it before installing them. Nothing on
 * Debian-family hosts and on Fedora, nothing when the repository is already enabled (a rerun changes nothing).
 * An unknown RHEL-like distribution or version is a PlanError saying what to enable by hand.
 */
export const haRepositoryOp: Operation<HaRepositoryArgs> = {
  name: OP,
  args: haRepositoryArgs,
  facts: () => [OS, REPOS],
  plan(a, facts): Plan {
    const os = need<OsInfo>(OP, facts, OS);
    if (os.family !== 'rhel') return { steps: [] };
    const r = need<DnfRepos>(OP, facts, REPOS);
    const target: Target | null = a.repo ? { id: a.repo, via: 'config-manager' } : haTarget(os, r.arch);
    if (!target) return { steps: [] };
    if (!r.dnf)
      throw new PlanError(OP, `no dnf on this host: cannot enable ${target.id} (EL 8 and later use dnf)`);
    if (r.listFailed !== null)
      throw new PlanError(
        OP,
        `\`dnf repolist --all\` failed (exit ${r.listFailed}): run it on the host to see why, then rerun`,
      );
    const listed = r.repos.find((x) => x.id === target.id);
    if (listed?.enabled) return { steps: [] };
    if (target.via === 'subscription-manager' && r.subscription === 'registered')
      return {
        steps: [{ kind: 'exec', command: `subscription-manager repos --enable=${shq(target.id)}` }],
        summary: `enable repository ${target.id} (subscription-manager)`,
      };
    if (!listed) {
      const why =
        target.via === 'subscription-manager'
          ? `this RHEL host is ${r.subscription === 'absent' ? 'without subscription-manager' : 'not registered'}: register it (subscription-manager register) with the High Availability add-on and rerun, or, on a cloud image (RHUI) or with a mirror, give \`repo:\` the id of the repository that carries pacemaker`
          : a.repo
            ? 'define it in /etc/yum.repos.d first'
            : `reinstall the distribution's release/repos package or enable the repository that carries pacemaker by hand and give its id as \`repo:\``;
      throw new PlanError(
        OP,
        `repository ${target.id} is not defined on this host (dnf knows: ${known(r)}): ${why}`,
      );
    }
    return {
      steps: configManagerSteps(r, target.id),
      summary: `enable repository ${target.id} (dnf config-manager${r.configManager ? '' : ', installed first'})`,
    };
  },
};
