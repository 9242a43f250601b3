import { z } from 'zod';
import type { FileContent } from '../../facts/file-content.js';
import type { UnitsInfo } from '../../facts/units.js';
import { need } from '../../ops/common.js';
import type { FactRequest, Operation } from '../../ops/types.js';
import { pollLoop } from '../../shell/poll.js';
import { shq } from '../../shell/posix.js';

/** The first line every corosync.conf hakit writes starts with. */
export const COROSYNC_MARK = '# Managed by hakit';
const CIB_DIR = '/var/lib/pacemaker/cib';

export const resetDefaultArgs = z.strictObject({
  config: z.string().startsWith('/').default('/etc/corosync/corosync.conf'),
});
type ResetDefaultArgs = z.infer<typeof resetDefaultArgs>;

const facts = (a: ResetDefaultArgs): FactRequest[] => [
  { fact: 'file_content', args: { path: a.config } },
  { fact: 'units', args: { names: ['corosync', 'pacemaker'] } },
  { fact: 'path_exists', args: { path: `${CIB_DIR}/cib.xml` } },
];

/**
 * Debian starts corosync and pacemaker right after install with a one-node default configuration, and the CIB
 * they create names the wrong node. Before hakit's corosync.conf is first put in place: stop both and clear the
 * CIB they wrote, so the first real start has the right membership and an empty CIB. A host whose corosync.conf
 * is already hakit's is left alone (a rerun, a running cluster).
 */
export const corosyncResetDefaultOp: Operation<ResetDefaultArgs> = {
  name: 'corosync_reset_default',
  args: resetDefaultArgs,
  facts,
  plan(a, f) {
    const [conf, units, cib] = facts(a);
    const content = need<FileContent>('corosync_reset_default', f, conf as FactRequest);
    if (content.exists && (content.content ?? '').startsWith(COROSYNC_MARK)) return { steps: [] };
    const u = need<UnitsInfo>('corosync_reset_default', f, units as FactRequest);
    const active = ['corosync', 'pacemaker'].filter((n) => {
      const s = u.units[n]?.active;
      return s === 'active' || s === 'activating';
    });
    const hasCib = need<boolean>('corosync_reset_default', f, cib as FactRequest);
    if (active.length === 0 && !hasCib) return { steps: [] };
    return {
      summary: `stop the package's default cluster (${active.join(', ') || 'stopped'}) and clear its CIB`,
      steps: [
        { kind: 'exec', command: 'systemctl stop pacemaker corosync' },
        { kind: 'exec', command: `rm -f -- ${shq(CIB_DIR)}/cib*` },
      ],
    };
  },
};

export const waitQuorumArgs = z.strictObject({
  /** Every member that must be seen (node names as in corosync.conf). */
  nodes: z.array(z.string().regex(/^[A-Za-z0-9._-]+$/)).min(1),
  /** Also wait until Pacemaker has elected a DC (the CIB then takes updates cluster-wide). */
  dc: z.boolean().default(false),
  timeout: z.number().int().min(1).max(3600).default(120),
});
type WaitQuorumArgs = z.infer<typeof waitQuorumArgs>;

/**
 * Reads `corosync-quorumtool -s` on stdin and prints `ok` when the partition is quorate and every wanted member
 * (`-v want="n1 n2"`) is in its membership list, else `wait|<missing members>|<quorate yes/no>` and the tool's
 * output. Membership lines are those whose first field is a node id; the name is one of the later fields (a
 * qdevice adds a column).
 */
const QUORUM_AWK = [
  'BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) need[w[i]] = 1 }',
  '{ raw = raw $0 "\\n" }',
  '/^Quorate:[[:space:]]+Yes/ { q = 1 }',
  '$1 ~ /^[0-9]+$/ { for (i = 3; i <= NF; i++) if ($i in need) seen[$i] = 1 }',
  'END {',
  '  m = ""; for (i = 1; i <= n; i++) if (!(w[i] in seen)) m = m " " w[i]',
  '  if (q && m == "") print "ok"; else printf "wait|%s|%s\\n%s", m, (q ? "yes" : "no"), raw',
  '}',
].join('\n');

/**
 * Waits, bounded, until corosync sees every member and the partition is quorate (and, with `dc`, Pacemaker has a
 * DC). On timeout it fails naming the missing members, with corosync-quorumtool's own report. Each check is one
 * `corosync-quorumtool` read by one `awk` (and, once quorate, one `crmadmin -D`): a healthy cluster answers the
 * first check, which costs the host a handful of processes. The deadline counts from the first check that fails.
 * Checks are 0.5 s apart and `crmadmin -D` gives up after 1 s (a controller still starting does not answer), so a
 * DC elected on a first start is seen within about 1.5 s.
 */
export const corosyncWaitQuorumOp: Operation<WaitQuorumArgs> = {
  name: 'corosync_wait_quorum',
  args: waitQuorumArgs,
  facts: () => [],
  plan(a) {
    const script = pollLoop({
      setup: [`want=${shq(a.nodes.join(' '))}`, "nl='", "'"],
      check: [
        `st=$(timeout 5 corosync-quorumtool -s 2>&1 | awk -v want="$want" ${shq(QUORUM_AWK)})`,
        ...(a.dc
          ? [
              "dc='not asked (members and quorum first)'",
              'if [ "$st" = ok ]; then',
              '  timeout 5 crmadmin -D -t 1000 >/dev/null 2>&1 && exit 0',
              '  dc="no (crmadmin -D did not answer)"',
              'fi',
            ]
          : ['[ "$st" = ok ] && exit 0']),
      ],
      timeoutS: a.timeout,
      intervalS: 0.5,
      onTimeout: [
        'if [ "$st" = ok ]; then missing=" none"; quorate=yes',
        `else head=\${st%%"$nl"*}; rest=\${head#wait|}; missing=\${rest%|*}; quorate=\${rest##*|}; fi`,
        `echo "not reached in ${a.timeout} s: missing members:\${missing:- none}; quorate: $quorate${a.dc ? '; DC elected: $dc' : ''}" >&2`,
        `[ "$st" = ok ] || printf '%s\\n' "\${st#*"$nl"}" >&2`,
      ],
    });
    return {
      summary: `wait for ${a.nodes.length} members, quorum${a.dc ? ' and a DC' : ''}`,
      steps: [
        {
          kind: 'exec',
          command: script,
          timeoutMs: (a.timeout + 30) * 1000,
          display: `wait for quorum of ${a.nodes.join(', ')}${a.dc ? ' and a DC' : ''} (at most ${a.timeout} s)`,
        },
      ],
      noChange: true,
    };
  },
};
