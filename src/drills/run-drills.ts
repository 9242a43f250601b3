import { InputError } from '../errors/index.js';
import { didYouMean } from '../model/index.js';
import type { DrillResult } from '../verify/report.js';
import { DRILLS, type DrillSpec } from './catalog.js';
import { type DrillRunOptions, runDrill } from './run-drill.js';
import type { DrillTargets } from './targets.js';

/**
 * The drills `--drills LIST` names (comma-separated ids, or `all`: every drill the cluster can run, in catalogue
 * order). Unknown names and Galera drills on a cluster without Galera behind the VIP are InputErrors: nothing is
 * contacted, nothing injected.
 */
export function selectDrills(list: string, targetsOf: () => Pick<DrillTargets, 'galera'>): DrillSpec[] {
  const names = list
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  if (names.length === 0)
    throw new InputError(`--drills: no drill named (known: all, ${DRILLS.map((d) => d.id).join(', ')})`);
  for (const n of names) {
    if (n !== 'all' && !DRILLS.some((x) => x.id === n)) {
      const hint = didYouMean(
        n,
        DRILLS.map((x) => x.id),
      );
      throw new InputError(
        `--drills: unknown drill '${n}'${hint ? ` (did you mean '${hint}'?)` : ''}; known: all, ${DRILLS.map((x) => x.id).join(', ')}. Nothing was injected.`,
      );
    }
  }
  const targets = targetsOf();
  if (names.includes('all')) {
    if (names.length > 1) throw new InputError('--drills all: runs every drill; name no other with it');
    return DRILLS.filter((d) => !d.needsGalera || targets.galera !== null);
  }
  const out: DrillSpec[] = [];
  for (const n of names) {
    const d = DRILLS.find((x) => x.id === n) as DrillSpec;
    if (d.needsGalera && !targets.galera)
      throw new InputError(
        `--drills ${n}: needs Galera behind the VIP (a galera section and a HAProxy frontend on the VIP whose backend checks galera); this inventory has none. Nothing was injected.`,
      );
    if (!out.includes(d)) out.push(d);
  }
  return out;
}

/**
 * Runs the drills one at a time. Each starts from a healthy cluster (runDrill refuses otherwise); when one does not
 * leave the cluster healthy, or Ctrl-C, the suite stops there and says so.
 */
export async function runDrills(
  specs: DrillSpec[],
  o: DrillRunOptions,
): Promise<{ results: DrillResult[]; stoppedEarly: string | null }> {
  const results: DrillResult[] = [];
  for (const spec of specs) {
    const r = await runDrill(spec, o);
    results.push(r.result);
    if (r.interrupted) return { results, stoppedEarly: 'interrupted (Ctrl-C)' };
    if (!r.healthy) {
      const rest = specs.slice(specs.indexOf(spec) + 1).map((s) => s.id);
      return {
        results,
        stoppedEarly: rest.length
          ? `the cluster was not healthy after ${spec.id}: not run: ${rest.join(', ')}`
          : null,
      };
    }
  }
  return { results, stoppedEarly: null };
}
