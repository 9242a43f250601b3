import { z } from 'zod';
import type { UnitsInfo } from '../../facts/units.js';
import { need } from '../../ops/common.js';
import type { FactRequest, Operation } from '../../ops/types.js';
import { shq } from '../../shell/posix.js';

/** Where Pacemaker keeps its CIB (Debian and RHEL-like hosts alike). */
export const PACEMAKER_CIB_DIR = '/var/lib/pacemaker/cib';
/** The property set only the first start uses; the first `pacemaker_cib` patch removes it (hakit owns crm_config). */
export const FIRST_START_SET = 'hakit-first-start';

export const firstCibArgs = z.strictObject({
  /**
   * dc-deadtime of the first start, in seconds. Controllers that start together and see no DC each wait
   * dc-deadtime (Pacemaker's default: 20 s) before the first election; hakit starts them only once corosync has
   * every member, so a short wait is enough.
   */
  dc_deadtime: z.number().int().min(1).max(600).default(2),
});
type FirstCibArgs = z.infer<typeof firstCibArgs>;

const CIB_FILE: FactRequest = { fact: 'path_exists', args: { path: `${PACEMAKER_CIB_DIR}/cib.xml` } };
const UNITS: FactRequest = { fact: 'units', args: { names: ['pacemaker'] } };

/** The first CIB: Pacemaker's own empty CIB (`cibadmin --empty`: the host's newest schema) with one property set. */
export function firstCibCommand(
  dcDeadtime: number,
  dir = PACEMAKER_CIB_DIR,
  owner = 'hacluster:haclient',
): { command: string; display: string } {
  const set =
    `<crm_config><cluster_property_set id="${FIRST_START_SET}">` +
    `<nvpair id="${FIRST_START_SET}-dc-deadtime" name="dc-deadtime" value="${dcDeadtime}s"/>` +
    '</cluster_property_set></crm_config>';
  const tmp = `${dir}/.hakit-first-cib.xml`;
  const final = `${dir}/cib.xml`;
  const command = [
    'set -e',
    `tmp=${shq(tmp)}`,
    'trap \'rm -f "$tmp"\' EXIT',
    `cibadmin --empty | sed ${shq(`s#<crm_config/>#${set}#`)} > "$tmp"`,
    `grep -q ${shq(`id="${FIRST_START_SET}"`)} "$tmp"`,
    // Schema and syntax check. An empty CIB has no fence device, which crm_verify reports as an error while
    // STONITH is on: the copy checked says stonith-enabled=false; the file written does not (STONITH stays on).
    `sed ${shq('s#</cluster_property_set>#<nvpair id="verify-only" name="stonith-enabled" value="false"/></cluster_property_set>#')} "$tmp" | crm_verify --xml-pipe`,
    `chown ${owner} "$tmp"`,
    'chmod 0600 "$tmp"',
    `mv -f "$tmp" ${shq(final)}`,
  ].join('\n');
  return {
    command,
    display: `write ${final} (empty CIB with dc-deadtime=${dcDeadtime}s, checked by crm_verify)`,
  };
}

/**
 * Before Pacemaker's very first start on a host: an empty CIB whose only setting is a short dc-deadtime, so the
 * controllers that start together elect a DC after seconds instead of Pacemaker's 20 s default. Pacemaker reads a
 * cib.xml without a digest file (it logs that none is present). The desired configuration is applied afterwards
 * by `pacemaker_cib`, which drops this set. A host that has a CIB, or whose pacemaker runs, is left alone.
 */
export const pacemakerFirstCibOp: Operation<FirstCibArgs> = {
  name: 'pacemaker_first_cib',
  args: firstCibArgs,
  facts: () => [CIB_FILE, UNITS],
  plan(a, f) {
    if (need<boolean>('pacemaker_first_cib', f, CIB_FILE)) return { steps: [] };
    const u = need<UnitsInfo>('pacemaker_first_cib', f, UNITS);
    const state = u.units.pacemaker?.active;
    if (state === 'active' || state === 'activating' || state === 'reloading') return { steps: [] };
    const { command, display } = firstCibCommand(a.dc_deadtime);
    return {
      summary: `first CIB: dc-deadtime ${a.dc_deadtime}s for the first election`,
      steps: [{ kind: 'exec', command, display }],
      touches: { exact: [`${PACEMAKER_CIB_DIR}/cib.xml`] },
    };
  },
};
