import { z } from 'zod';
import type { CibInfo } from '../../facts/cib.js';
import { need } from '../../ops/common.js';
import { resolvedFile } from '../../ops/config-file.js';
import { PlanError } from '../../ops/errors.js';
import type { FactRequest, Operation, Preview, Step } from '../../ops/types.js';
import {
  configurationText,
  desiredCib,
  removedResources,
  sameConfiguration,
} from '../../pacemaker/cib-merge.js';
import { parseTransition, renderTransition } from '../../pacemaker/simulate.js';
import { parseXml, serializeXml } from '../../pacemaker/xml.js';
import { shq } from '../../shell/posix.js';

export const cibArgs = z.strictObject({
  /** The desired-state file holding the CIB configuration (normally `cib`). */
  file: z.string().default('cib'),
  /** Filled in by the executor from the desired state. */
  spec: resolvedFile.optional(),
  /** Seconds to wait for the cluster to settle after a change (and for removed resources to stop). */
  settle_timeout: z.number().int().min(1).max(3600).default(180),
});
type CibArgs = z.infer<typeof cibArgs>;

const WORK = '/var/lib/hakit';
const CIB: FactRequest = { fact: 'cib' };

/**
 * Applies the inventory's Pacemaker configuration to the live cluster, minimally: reads the live CIB, merges the
 * parts hakit owns into it (Pacemaker's own properties, node attributes, status and cli- constraints stay),
 * checks the result with crm_verify against the live status, and pushes only the difference (crm_diff →
 * cibadmin --patch) from this host. A resource the inventory no longer has is stopped first, then removed.
 * Run it on one node (`run_once`). An unchanged configuration plans nothing.
 */
export const pacemakerCibOp: Operation<CibArgs> = {
  name: 'pacemaker_cib',
  args: cibArgs,
  facts: () => [CIB],
  plan(a, facts) {
    if (!a.spec)
      throw new PlanError('pacemaker_cib', `file "${a.file}" was not resolved from the desired state`);
    const live = need<CibInfo>('pacemaker_cib', facts, CIB);
    if (!live.running || !live.xml)
      throw new PlanError(
        'pacemaker_cib',
        'the CIB does not answer (is pacemaker running and quorate here?)',
      );
    const liveCib = parseXml(live.xml);
    const text = typeof a.spec.content === 'string' ? a.spec.content : a.spec.content.toString('utf8');
    const wanted = desiredCib(liveCib, parseXml(text));
    if (sameConfiguration(liveCib, wanted)) return { steps: [] };
    const wantedText = `${serializeXml(wanted)}\n`;

    const tag = Date.now().toString(36);
    const liveFile = `${WORK}/.cib-live-${tag}.xml`;
    const newFile = `${WORK}/.cib-new-${tag}.xml`;
    const patchFile = `${WORK}/.cib-patch-${tag}.xml`;
    const cleanup = `rm -f -- ${shq(liveFile)} ${shq(newFile)} ${shq(patchFile)}`;
    const steps: Step[] = [{ kind: 'exec', command: `mkdir -p -m 0700 ${shq(WORK)}` }];
    const removed = removedResources(liveCib, wanted);
    // Stopping a resource that is already stopped changes nothing: every removed one gets target-role=Stopped.
    const stopping = removed;
    for (const id of stopping)
      steps.push({
        kind: 'exec',
        command: `crm_resource --resource ${shq(id)} --meta --set-parameter target-role --parameter-value Stopped`,
      });
    if (stopping.length)
      steps.push({
        kind: 'exec',
        command: `crm_resource --wait --timeout=${a.settle_timeout}s`,
        timeoutMs: (a.settle_timeout + 30) * 1000,
        display: `wait until ${stopping.join(', ')} stopped (at most ${a.settle_timeout} s)`,
      });
    steps.push(
      {
        kind: 'put',
        path: liveFile,
        content: `${live.xml}\n`,
        mode: 0o600,
        display: `put ${liveFile} (live CIB)`,
      },
      {
        kind: 'put',
        path: newFile,
        content: wantedText,
        mode: 0o600,
        display: `put ${newFile} (desired CIB)`,
      },
      {
        kind: 'exec',
        // Errors reject the CIB; warnings alone (e.g. the history of a resource being removed) do not.
        command: [
          `out=$(crm_verify -V --xml-file ${shq(newFile)} 2>&1); rc=$?`,
          'if [ $rc -ne 0 ] && { printf \'%s\\n\' "$out" | grep -q "error:" || ! printf \'%s\\n\' "$out" | grep -q "Warnings found"; }; then',
          `  printf '%s\\n' "$out" >&2; ${cleanup}; exit $rc`,
          'fi',
        ].join('\n'),
        purpose: 'validate',
        display: `crm_verify --xml-file ${newFile}`,
      },
      {
        kind: 'exec',
        // crm_diff exits 1 when the documents differ (that is the point); --no-version: the patch applies to the
        // CIB as it is then (status updates move its version on all the time).
        command: [
          `crm_diff --no-version --original ${shq(liveFile)} --new ${shq(newFile)} > ${shq(patchFile)}; rc=$?`,
          `if [ $rc -gt 1 ]; then ${cleanup}; exit $rc; fi`,
          `cibadmin --patch --xml-file ${shq(patchFile)}; rc=$?`,
          cleanup,
          'exit $rc',
        ].join('\n'),
        display: 'crm_diff (live → desired) | cibadmin --patch',
      },
      {
        kind: 'exec',
        command: `crm_resource --wait --timeout=${a.settle_timeout}s`,
        timeoutMs: (a.settle_timeout + 30) * 1000,
        display: `wait until the cluster settles (at most ${a.settle_timeout} s)`,
      },
    );
    return {
      preview: simulate(wantedText),
      summary: `patch the CIB configuration${removed.length ? ` (removing ${removed.join(', ')})` : ''}`,
      steps,
      diffs: [
        {
          path: 'cib:configuration',
          before: configurationText(liveCib),
          after: configurationText(wanted),
          ...(a.spec.sensitive ? { sensitive: true } : {}),
        },
      ],
    };
  },
};

/**
 * What Pacemaker would do with the desired CIB (desired configuration + live status): `crm_simulate --run` reads
 * it from stdin (it holds fence passwords: never on a command line) and computes the transition without touching
 * the cluster (it keeps its input in a temp file under /var/lib/pacemaker/cib, removed when it exits).
 */
function simulate(cib: string): Preview {
  return {
    title: 'crm_simulate on the live status',
    command: 'crm_simulate --xml-pipe --run',
    stdin: cib,
    timeoutMs: 60_000,
    render: (stdout) => renderTransition(parseTransition(stdout)),
  };
}
