import { type GroupsInfo, groupsFact, type UsersInfo, usersFact } from './accounts.js';
import { type AuthorizedKeysInfo, authorizedKeysFact } from './authorized-keys.js';
import { buildBatch, parseBatch } from './batch.js';
import { type BlockInFile, blockInFileFact } from './block-in-file.js';
import { type CibInfo, cibFact } from './cib.js';
import { dnfReposFact } from './dnf-repos.js';
import { drbdStateFact } from './drbd-state.js';
import { FactError } from './errors.js';
import { type FileInfo, fileFact } from './file.js';
import { type FileContent, fileContentFact } from './file-content.js';
import { firewallFact } from './firewall.js';
import { galeraStateFact } from './galera-state.js';
import { haproxyStatFact } from './haproxy-stat.js';
import { type InitInfo, initFact } from './init.js';
import { notifyMarkersFact } from './notify-markers.js';
import { type OsInfo, osFact } from './os.js';
import { type PackageManager, packageManagerFact } from './package-manager.js';
import { type PackageUpdates, packageUpdatesFact } from './package-updates.js';
import { type PackageVersions, packagesFact } from './packages.js';
import { pathExistsFact } from './path-exists.js';
import type { FactRequest } from './request.js';
import { type SelinuxInfo, selinuxFact } from './selinux.js';
import { selinuxPolicyFact } from './selinux-policy.js';
import { sshTrustFact } from './ssh-trust.js';
import { type SysctlValues, sysctlFact } from './sysctl.js';
import type { AnyFact } from './types.js';
import { type UnitsInfo, unitsFact } from './units.js';

/** Every fact, by name. */
export const facts: Record<string, AnyFact> = Object.fromEntries(
  [
    osFact,
    initFact,
    packageManagerFact,
    selinuxFact,
    selinuxPolicyFact,
    firewallFact,
    sshTrustFact,
    packagesFact,
    packageUpdatesFact,
    unitsFact,
    fileFact,
    fileContentFact,
    sysctlFact,
    usersFact,
    groupsFact,
    authorizedKeysFact,
    pathExistsFact,
    blockInFileFact,
    cibFact,
    dnfReposFact,
    galeraStateFact,
    drbdStateFact,
    haproxyStatFact,
    notifyMarkersFact,
  ].map((f) => [f.name, f]),
);

/** The fact named `name`; throws FactError for an unknown name. */
export function getFact(name: string): AnyFact {
  const f = Object.hasOwn(facts, name) ? facts[name] : undefined;
  if (!f) throw new FactError(name, `unknown fact (known: ${Object.keys(facts).sort().join(', ')})`);
  return f;
}

/**
 * ONE POSIX sh script gathering all the requested facts in one round trip (duplicates gathered once).
 * Each snippet runs in a brace group between unique delimiter lines that carry its exit code; several requests
 * of a fact with a `many` hook (e.g. `file`) share one snippet.
 * Throws FactError for an unknown fact or invalid fact arguments.
 */
export function batchFactCommand(reqs: FactRequest[]): string {
  return buildBatch(reqs, getFact);
}

/**
 * Parses the stdout of `batchFactCommand(reqs)`: a map keyed by `factKey(req)`, each value checked by the
 * fact's zod schema. Throws FactError naming the fact and the problem (never the host, never file contents).
 */
export function parseFactBatch(reqs: FactRequest[], stdout: string): Map<string, unknown> {
  return parseBatch(reqs, stdout, getFact);
}

export type { GroupInfo, UserInfo } from './accounts.js';
export { FactError } from './errors.js';
export { STAT_FORMAT } from './file.js';
export { NOTIFY_MARKER_DIR } from './notify-markers.js';
export { normalizeSysctlValue } from './sysctl.js';
export type { AnyFact, Fact } from './types.js';
export type { UnitState } from './units.js';
export type {
  AuthorizedKeysInfo,
  BlockInFile,
  CibInfo,
  FileContent,
  FileInfo,
  GroupsInfo,
  InitInfo,
  OsInfo,
  PackageManager,
  PackageUpdates,
  PackageVersions,
  SelinuxInfo,
  SysctlValues,
  UnitsInfo,
  UsersInfo,
};
