import { z } from 'zod';
import type { PackageManager } from '../facts/package-manager.js';
import type { PackageUpdates } from '../facts/package-updates.js';
import type { PackageVersions } from '../facts/packages.js';
import { packageName } from '../facts/validators.js';
import { shq } from '../shell/posix.js';
import { need } from './common.js';
import { PlanError } from './errors.js';
import type { FactRequest, Operation, Step } from './types.js';

export const packageArgs = z
  .strictObject({
    name: z.union([packageName, z.array(packageName)]).optional(),
    state: z.enum(['present', 'absent', 'latest']).default('present'),
    /** Refresh the package index (apt-get update / dnf makecache) before installing; alone it always runs. */
    update_cache: z.boolean().default(false),
    /** apt: remove configuration files too. */
    purge: z.boolean().default(false),
    /**
     * apt: services the packages' maintainer scripts must not start while they install (Debian starts corosync
     * and pacemaker with a one-node default cluster otherwise). A temporary /usr/sbin/policy-rc.d answers 101
     * for them during the install and is removed afterwards; a policy-rc.d that is not hakit's is left alone
     * (it then decides). dnf never starts services on install: ignored there.
     */
    no_autostart: z.array(z.string().regex(/^[A-Za-z0-9@._-]+$/)).default([]),
  })
  .refine((a) => a.name !== undefined || a.update_cache, { message: 'give name, update_cache, or both' });
export type PackageArgs = z.infer<typeof packageArgs>;

const OP = 'package';
const APT = 'DEBIAN_FRONTEND=noninteractive apt-get';
const APT_OPTS = '-y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold';

const POLICY = '/usr/sbin/policy-rc.d';
/** The first line of the policy-rc.d hakit writes (a stale one, from a run killed mid-install, is replaced). */
export const POLICY_MARK = '# hakit: services kept from starting during a package install';

/**
 * Wraps an apt command so that invoke-rc.d and deb-systemd-invoke (which ask policy-rc.d, with an init script
 * name or a unit name) do not start `services` while it runs. The policy is removed when the command ends,
 * also on HUP/INT/TERM.
 */
export function withoutAutostart(command: string, services: string[], policyPath = POLICY): string {
  if (services.length === 0) return command;
  const p = shq(policyPath);
  const policy = [
    '#!/bin/sh',
    POLICY_MARK,
    `case "\${1%.service}" in ${services.join('|')}) exit 101 ;; esac`,
    'exit 0',
  ];
  return [
    `if [ ! -e ${p} ] || head -n 2 ${p} | grep -qxF ${shq(POLICY_MARK)}; then`,
    `  trap 'rm -f ${p}' EXIT; trap 'rm -f ${p}; exit 129' HUP INT TERM`,
    `  printf '%s\\n' ${policy.map(shq).join(' ')} > ${p} && chmod 0755 ${p} || exit 1`,
    'fi',
    command,
  ].join('\n');
}

function names(a: PackageArgs): string[] {
  return a.name === undefined ? [] : Array.isArray(a.name) ? [...new Set(a.name)] : [a.name];
}

/** Installs, upgrades or removes packages with apt (Debian) or dnf/yum (RHEL). */
export const packageOp: Operation<PackageArgs> = {
  name: OP,
  args: packageArgs,
  facts(a) {
    const n = names(a);
    const reqs: FactRequest[] = [{ fact: 'package_manager' }];
    if (n.length) reqs.push({ fact: 'packages', args: { names: n } });
    if (n.length && a.state === 'latest') reqs.push({ fact: 'package_updates', args: { names: n } });
    return reqs;
  },
  plan(a, facts) {
    const pm = need<PackageManager>(OP, facts, { fact: 'package_manager' });
    if (!pm) throw new PlanError(OP, 'no supported package manager (apt, dnf, yum) on this host');
    const n = names(a);
    const refresh: Step = {
      kind: 'exec',
      command: pm === 'apt' ? `${APT} update -q` : `${pm} makecache -q`,
    };
    if (n.length === 0) return { steps: [refresh], summary: 'refresh the package index' };
    const installed = need<PackageVersions>(OP, facts, { fact: 'packages', args: { names: n } });
    const steps: Step[] = [];
    const list = (xs: string[]) => xs.join(' ');
    if (a.state === 'absent') {
      const remove = n.filter((x) => installed[x] !== null && installed[x] !== undefined);
      if (remove.length === 0) return { steps };
      steps.push({
        kind: 'exec',
        command:
          pm === 'apt'
            ? `${APT} ${a.purge ? 'purge' : 'remove'} ${APT_OPTS} ${list(remove)}`
            : `${pm} remove -y -q ${list(remove)}`,
      });
      return { steps, summary: `remove ${list(remove)}` };
    }
    const missing = n.filter((x) => !installed[x]);
    let upgrade: string[] = [];
    if (a.state === 'latest') {
      const updates = need<PackageUpdates>(OP, facts, { fact: 'package_updates', args: { names: n } });
      upgrade = n.filter((x) => installed[x] && updates[x]);
    }
    if (missing.length === 0 && upgrade.length === 0) return { steps };
    if (a.update_cache) steps.push(refresh);
    const todo = [...missing, ...upgrade];
    if (pm === 'apt') {
      steps.push({
        kind: 'exec',
        command: withoutAutostart(
          `${APT} install ${APT_OPTS} --no-install-recommends ${list(todo)}`,
          missing.length ? a.no_autostart : [],
        ),
      });
    } else {
      if (missing.length) steps.push({ kind: 'exec', command: `${pm} install -y -q ${list(missing)}` });
      if (upgrade.length) steps.push({ kind: 'exec', command: `${pm} upgrade -y -q ${list(upgrade)}` });
    }
    const parts = [
      missing.length ? `install ${list(missing)}` : '',
      upgrade.length ? `upgrade ${list(upgrade)}` : '',
    ];
    return { steps, summary: parts.filter(Boolean).join(', ') };
  },
};
