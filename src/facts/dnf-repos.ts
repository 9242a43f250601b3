import { z } from 'zod';
import { ParseProblem } from './errors.js';
import { lines, splitOnce } from './lines.js';
import type { Fact } from './types.js';

/**
 * A dnf repository id: the characters dnf itself accepts (letters, digits, `-_.:`), never starting with `-`
 * (it would read as an option), no globs (`dnf config-manager` expands them).
 */
export const repoId = z
  .string()
  .max(128)
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.:-]*$/, 'not a valid repository id (letters, digits, - _ . :)');

export const dnfReposSchema = z.object({
  /** What `dnf` is: dnf4 (Python; EL8, EL9, EL10) or dnf5 (Fedora 41+, EL11); null when there is no dnf. */
  dnf: z.enum(['dnf4', 'dnf5']).nullable(),
  /** `uname -m`: x86_64, aarch64, ppc64le, s390x, … (RHEL names its repositories after it). */
  arch: z.string().min(1),
  /** `dnf config-manager` is available (dnf-plugins-core with dnf4, dnf5-plugins with dnf5). */
  configManager: z.boolean(),
  /** subscription-manager: not installed, installed but not registered, registered (consumer certificate). */
  subscription: z.enum(['absent', 'unregistered', 'registered']),
  /** Every repository dnf knows (`dnf repolist --all`), in its order. */
  repos: z.array(z.object({ id: z.string(), enabled: z.boolean() })),
  /** Exit code of `dnf repolist --all` when it failed (the list is then incomplete); null otherwise. */
  listFailed: z.number().int().nullable(),
});
export type DnfRepos = z.infer<typeof dnfReposSchema>;

/**
 * One row of `dnf repolist --all`: `ID  NAME  STATUS`, columns padded with spaces. dnf4 (EL8/EL9/EL10) prints
 * the status left-aligned and truncates the name to fit 80 columns; dnf5 (libsmartcols) right-aligns the status
 * (` enabled`/`disabled`) and truncates the name too. dnf before 4.2 printed `enabled: 6,032` (a package count)
 * and could prefix an id with `*`. The id is never truncated, the status is always the last word.
 */
const ROW = /^\*?([A-Za-z0-9_][A-Za-z0-9_.:-]*)(?:\s+.*?)?\s+(enabled|disabled)(?::[\s\d,.]*)?$/;

/** Parses the rows of `dnf repolist --all`; the header and lines that are not rows (notices) are skipped. */
export function parseRepolist(out: string[]): DnfRepos['repos'] {
  const repos: DnfRepos['repos'] = [];
  const seen = new Set<string>();
  for (const raw of out) {
    const m = ROW.exec(raw.trim());
    if (!m) continue;
    const id = m[1] as string;
    // dnf ignores a repeated id ("listed more than once in the configuration"): the first one counts.
    if (seen.has(id)) continue;
    seen.add(id);
    repos.push({ id, enabled: m[2] === 'enabled' });
  }
  return repos;
}

const DNF_KINDS = ['dnf4', 'dnf5', 'none'] as const;
const SUBSCRIPTION = ['absent', 'unregistered', 'registered'] as const;

/**
 * The repositories dnf knows and whether each is enabled, plus what enabling one needs: which dnf, whether its
 * config-manager is installed, whether subscription-manager is present and registered, and the architecture.
 * `dnf repolist` (without -v) reads the repository configuration only: no metadata download. Root, so that
 * subscription-manager's dnf plugin refreshes redhat.repo first (a true answer on RHEL).
 */
export const dnfReposFact: Fact<DnfRepos> = {
  name: 'dnf_repos',
  become: true,
  command: () =>
    [
      'echo dnf_repos',
      // dnf5 installs /usr/bin/dnf as a link to dnf5 (Fedora 41+); next to dnf4 it is only /usr/bin/dnf5.
      'if [ -e /usr/bin/dnf5 ] && [ /usr/bin/dnf -ef /usr/bin/dnf5 ]; then d=dnf5',
      'elif command -v dnf >/dev/null 2>&1; then d=dnf4; else d=none; fi',
      'echo "dnf=$d"',
      'echo "arch=$(uname -m)"',
      // The config-manager plugin's own file (no process): dnf-plugins-core (noarch, Python) or dnf5-plugins.
      'if [ "$d" = dnf5 ]; then set -- /usr/lib*/dnf5/plugins/config-manager_cmd_plugin.so',
      'else set -- /usr/lib/python3*/site-packages/dnf-plugins/config_manager.py; fi',
      'c=no; for f in "$@"; do if [ -e "$f" ]; then c=yes; break; fi; done',
      'echo "config_manager=$c"',
      // Registered = the consumer identity certificate exists (what `subscription-manager identity` reads).
      'if ! command -v subscription-manager >/dev/null 2>&1; then s=absent',
      'elif [ -e /etc/pki/consumer/cert.pem ]; then s=registered; else s=unregistered; fi',
      'echo "subscription=$s"',
      'if [ "$d" != none ]; then',
      '  echo repolist',
      '  LC_ALL=C dnf -q repolist --all </dev/null 2>/dev/null',
      // A leading newline in case the last row had none (empty lines are dropped).
      '  printf \'\\nrepolist_rc=%s\\n\' "$?"',
      'fi',
    ].join('\n'),
  parse(stdout) {
    const ls = lines(stdout);
    if (ls[0] !== 'dnf_repos') throw new ParseProblem('missing header line');
    const kv = new Map<string, string>();
    let list: string[] | undefined;
    let rc: number | undefined;
    for (const l of ls.slice(1)) {
      if (list && rc === undefined) {
        const m = /^repolist_rc=(\d+)$/.exec(l);
        if (m) rc = Number(m[1]);
        else list.push(l);
        continue;
      }
      if (l === 'repolist' && !list) {
        list = [];
        continue;
      }
      const [k, v] = splitOnce(l, '=');
      if (!['dnf', 'arch', 'config_manager', 'subscription'].includes(k) || kv.has(k))
        throw new ParseProblem(`unexpected line "${l.slice(0, 40)}"`);
      kv.set(k, v);
    }
    const d = kv.get('dnf');
    if (!DNF_KINDS.includes(d as (typeof DNF_KINDS)[number]))
      throw new ParseProblem('missing or bad dnf= line');
    const sub = kv.get('subscription');
    if (!SUBSCRIPTION.includes(sub as (typeof SUBSCRIPTION)[number]))
      throw new ParseProblem('missing or bad subscription= line');
    const cm = kv.get('config_manager');
    if (cm !== 'yes' && cm !== 'no') throw new ParseProblem('missing or bad config_manager= line');
    if (d !== 'none' && (!list || rc === undefined))
      throw new ParseProblem('the repository list is missing or cut short');
    return {
      dnf: d === 'none' ? null : d,
      arch: kv.get('arch') ?? '',
      configManager: cm === 'yes',
      subscription: sub,
      repos: list ? parseRepolist(list) : [],
      listFailed: rc ? rc : null,
    };
  },
  schema: dnfReposSchema,
};
