import { drillThresholds, type VerifySettings } from '../components/verify/schema.js';
import { HakitError } from '../errors/index.js';
import type { HakitEvent, VerifyCheckResult, VerifyMeasurement } from '../events/types.js';
import type { DrillResult, TimelineEvent } from '../verify/report.js';
import type { DrillSpec, Observed } from './catalog.js';
import type { FaultBackend, HostExec } from './fault.js';
import {
  FENCE_HISTORY_COMMAND,
  type FenceEvent,
  fenceJournalCommand,
  parseFenceHistory,
  parseFenceJournal,
} from './fencing.js';
import { longestWriteGap, lostWrites, maxHolders, outageOf } from './measure.js';
import { startHolderSampler, startTcpProbe, startWriter } from './probes.js';
import type { SqlSession } from './sql.js';
import type { DrillTargets } from './targets.js';

/** Exit code of `hakit verify --drills` when a drill was refused before injecting anything (cluster not healthy). */
export const DRILL_REFUSED_EXIT = 8;

/** A drill refused before it injected anything. */
export class DrillRefusedError extends HakitError {
  constructor(message: string) {
    super(message, { code: 'E_DRILL_REFUSED', exitCode: DRILL_REFUSED_EXIT });
  }
}

export interface DrillRunOptions {
  targets: DrillTargets;
  exec: HostExec;
  backend: FaultBackend;
  /** Runs the health checks once. */
  health: () => Promise<VerifyCheckResult[]>;
  sql: SqlSession | null;
  settings: VerifySettings;
  destructive: boolean;
  signal: AbortSignal;
  emit: (e: HakitEvent) => void;
  /** Unique per run: the rows of this drill are keyed by it. */
  runId: string;
  /** Poll period of the recovery and health waits (default 500 ms / 3 s; tests shorten them). */
  pollMs?: number;
  healthPollMs?: number;
  /** Masks secrets in what leaves the drill (messages, events). */
  mask?: (text: string) => string;
}

export interface DrillOutcome {
  result: DrillResult;
  /** The cluster was healthy again at the end (the next drill may run). */
  healthy: boolean;
  interrupted: boolean;
}

/** Health reads retried before a drill is refused. */
const PRECONDITION_RETRIES = 4;

const failing = (rs: VerifyCheckResult[]) => rs.filter((r) => r.status === 'fail');
const s3 = (ms: number) => Math.round(ms) / 1000;

/** Waits `ms` or until the signal aborts; true when aborted. */
function nap(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(true);
    const t = setTimeout(() => {
      signal.removeEventListener('abort', on);
      resolve(false);
    }, ms);
    const on = () => {
      clearTimeout(t);
      resolve(true);
    };
    signal.addEventListener('abort', on, { once: true });
  });
}

/** Who holds the VIP now (every member read). */
async function currentHolders(o: DrillRunOptions): Promise<string[]> {
  const outs = await Promise.all(
    o.targets.members.map(async (m) => [m.name, await o.backend.addresses(m.name, 10_000)] as const),
  );
  return outs.filter(([, out]) => out?.includes(o.targets.vip.ip)).map(([n]) => n);
}

/** The fencing history as one of `nodes` sees it (the first that answers); null when none does. */
async function fenceHistory(exec: HostExec, nodes: string[]): Promise<FenceEvent[] | null> {
  for (const n of nodes) {
    const r = await exec(n, FENCE_HISTORY_COMMAND, { timeoutMs: 10_000 });
    if (r.exitCode !== 0 && !r.stdout.includes('<pacemaker-result')) continue;
    try {
      return parseFenceHistory(r.stdout);
    } catch {}
  }
  return null;
}

/**
 * One drill: refuses (DrillRefusedError, nothing injected) unless every health check passes; starts the client
 * probe, the SQL writer (with Galera) and the VIP-holder sampler; injects the fault; waits (bounded) for the
 * service to recover; heals (always, also on Ctrl-C or an error); waits (bounded) until every check passes again,
 * re-applying the idempotent heal while it does not; reads the rows back on every member; measures.
 */
export async function runDrill(spec: DrillSpec, o: DrillRunOptions): Promise<DrillOutcome> {
  const mask = o.mask ?? ((t: string) => t);
  const step = (
    s: Extract<HakitEvent, { type: 'verify.drill.step' }>['step'],
    message: string,
    host?: string,
  ) =>
    o.emit({
      type: 'verify.drill.step',
      at: Date.now(),
      drill: spec.id,
      step: s,
      message: mask(message),
      ...(host ? { host } : {}),
    });
  if (spec.needsGalera && (!o.targets.galera || !o.sql))
    throw new DrillRefusedError(
      `drill ${spec.id} needs Galera behind the VIP; this cluster has none. Nothing was injected.`,
    );
  // A read that fails once is retried (bounded): corosync's tools sometimes answer "Cannot initialise CFG
  // service" to one of several reads at once; a cluster that stays unhealthy is refused.
  let bad = failing(await o.health());
  for (let i = 0; i < PRECONDITION_RETRIES && bad.length; i++) {
    if (await nap(o.healthPollMs ?? 2000, o.signal)) break;
    bad = failing(await o.health());
  }
  if (bad.length)
    throw new DrillRefusedError(
      `drill ${spec.id} refused: the cluster is not healthy, nothing was injected:\n${bad.map((r) => `  ${r.id}: ${r.message.split('\n')[0]}`).join('\n')}`,
    );
  const holders = await currentHolders(o);
  if (holders.length !== 1)
    throw new DrillRefusedError(
      `drill ${spec.id} refused: the VIP ${o.targets.vip.ip} is on ${holders.length ? holders.join(', ') : 'no node'}, not on exactly one; nothing was injected`,
    );
  const holder = holders[0] as string;
  const boundMs = (o.settings.recovery_timeout_s + o.settings.healthy_timeout_s) * 1000;
  const plan = spec.plan({ targets: o.targets, holder, exec: o.exec, backend: o.backend, boundMs });
  if (plan.fault.destructive && !o.destructive)
    throw new DrillRefusedError(
      `drill ${spec.id} refused: ${plan.fault.describe()}. Pass --destructive to allow it; nothing was injected.`,
    );

  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const timeline: TimelineEvent[] = [];
  const mark = (kind: TimelineEvent['kind'], label: string, host?: string, at = Date.now()) =>
    timeline.push({ atMs: at - started, kind, label, ...(host ? { host } : {}) });
  step('start', `${spec.title}: target ${plan.target} (VIP on ${holder})`, plan.target);

  const maxMs = boundMs + 120_000;
  const probe = startTcpProbe(o.targets.vip.ip, o.targets.probePort, { maxMs });
  const drillKey = `${o.runId}_${spec.id}`.replace(/[^A-Za-z0-9_-]/g, '_');
  const writer = o.sql ? startWriter(o.sql.writer(drillKey), { maxMs }) : null;
  const sampler = startHolderSampler(
    o.targets.members.map((m) => m.name),
    o.targets.vip.ip,
    (n) => o.backend.addresses(n, 3000),
    { maxMs },
  );
  const others = o.targets.members.map((m) => m.name).filter((n) => n !== plan.target);
  const baseline = new Set((await fenceHistory(o.exec, others))?.map((f) => f.key) ?? []);
  const fences: FenceEvent[] = [];
  const fenceSeenAt = new Map<string, number>();
  // Fencing seen two ways: Pacemaker's fencing history (new entries), and the controllers' journals on the other
  // members since the fault (one entry per fencing; the journal keeps what the history may lose).
  const pollFences = async () => {
    const [h, journals] = await Promise.all([
      fenceHistory(o.exec, others),
      Promise.all(
        others.map((n) => o.exec(n, fenceJournalCommand(injectedAt - 2000), { timeoutMs: 10_000 })),
      ),
    ]);
    const fromJournal = journals.flatMap((r) => (r.exitCode === 0 ? parseFenceJournal(r.stdout) : []));
    const seen = (f: FenceEvent) =>
      fences.some(
        (x) =>
          x.key === f.key ||
          (x.target === f.target &&
            x.completedAt !== null &&
            f.completedAt !== null &&
            Math.abs(x.completedAt - f.completedAt) < 2000),
      );
    for (const f of [...fromJournal.filter((f) => (f.completedAt ?? 0) >= injectedAt - 1000), ...(h ?? [])])
      if (!baseline.has(f.key) && f.status === 'success' && !seen(f)) {
        fences.push(f);
        fenceSeenAt.set(f.key, Date.now());
      }
  };
  // A few probes before the fault: the service answered until then.
  for (let i = 0; i < 50 && probe.samples.length < 5; i++) if (await nap(100, o.signal)) break;

  let injectedAt = Date.now();
  let injected = false;
  let recovered = false;
  let recoveredAt: number | null = null;
  let healthy = false;
  let healthyAt: number | null = null;
  let error: string | null = null;
  let healedAt: number | null = null;
  const problems: string[] = [];
  const observed = (): Observed => ({
    injectedAt,
    probes: probe.samples,
    writes: writer ? writer.writes : null,
    holders: sampler.samples,
    fences,
  });
  const heal = async () => {
    try {
      await plan.fault.heal();
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
    return null;
  };
  try {
    if (!o.signal.aborted) {
      injectedAt = Date.now();
      injected = true; // set before: a half-done inject is healed too
      mark('fault', plan.fault.describe(), plan.target, injectedAt);
      step('inject', plan.fault.describe(), plan.target);
      await plan.fault.inject();
      const deadline = injectedAt + o.settings.recovery_timeout_s * 1000;
      let lastFencePoll = 0;
      for (let i = 0; i < 100_000 && Date.now() < deadline; i++) {
        if (Date.now() - lastFencePoll >= 1000) {
          lastFencePoll = Date.now();
          await pollFences();
        }
        if (await plan.recovered(observed())) {
          recovered = true;
          recoveredAt = Date.now();
          mark('note', 'recovered', undefined, recoveredAt);
          step(
            'recovered',
            `recovered after ${s3(recoveredAt - injectedAt)} s: ${plan.expects}`,
            plan.target,
          );
          break;
        }
        if (await nap(o.pollMs ?? 500, o.signal)) break;
      }
      if (!recovered && !o.signal.aborted) {
        problems.push(`not recovered within ${o.settings.recovery_timeout_s} s (waited for ${plan.expects})`);
        step('timeout', problems[problems.length - 1] as string, plan.target);
      }
    }
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
    problems.push(`the drill failed: ${error}`);
  } finally {
    if (injected) {
      healedAt = Date.now();
      mark('heal', 'healed', plan.target, healedAt);
      step(o.signal.aborted ? 'interrupted' : 'heal', `healing: ${plan.fault.describe()}`, plan.target);
      const why = await heal();
      if (why) problems.push(`healing failed: ${why}`);
    }
  }
  // Back to fully healthy (bounded), re-healing while not: the fault may outlive a first heal (a node fenced
  // again while it booted, a failed action recorded after the cleanup).
  if (!o.signal.aborted) {
    const deadline = Date.now() + o.settings.healthy_timeout_s * 1000;
    let last: VerifyCheckResult[] = [];
    let lastHeal = Date.now();
    for (let i = 0; i < 10_000 && Date.now() < deadline; i++) {
      await pollFences();
      last = await o.health();
      if (failing(last).length === 0) {
        healthy = true;
        healthyAt = Date.now();
        mark('note', 'healthy', undefined, healthyAt);
        step('healthy', `every health check passes (${s3(healthyAt - injectedAt)} s after the fault)`);
        break;
      }
      if (injected && Date.now() - lastHeal > 20_000) {
        lastHeal = Date.now();
        await heal();
      }
      if (await nap(o.healthPollMs ?? 3000, o.signal)) break;
    }
    if (!healthy && !o.signal.aborted)
      problems.push(
        `the cluster was not healthy again within ${o.settings.healthy_timeout_s} s:\n${failing(last)
          .map((r) => `  ${r.id}: ${r.message.split('\n')[0]}`)
          .join('\n')}`,
      );
  }
  await Promise.all([probe.loop.stop(), writer?.loop.stop(), sampler.loop.stop()]);
  const ended = Date.now();

  // Measurements.
  const probes = [...probe.samples].sort((a, b) => a.at - b.at);
  for (const p of probes)
    mark(p.ok ? 'probe-ok' : 'probe-fail', p.ok ? 'connect ok' : 'connect failed', undefined, p.at);
  let prevHolders = '';
  for (const h of sampler.samples) {
    const now = h.holders.join(',');
    if (now !== prevHolders) mark('resource', `${o.targets.vip.id} on ${now || 'no node'}`, undefined, h.at);
    prevHolders = now;
  }
  for (const f of fences)
    mark(
      'fence',
      `${f.target} fenced (${f.action})`,
      f.target,
      f.completedAt ?? fenceSeenAt.get(f.key) ?? ended,
    );
  const limits = drillThresholds(o.settings, spec.id);
  const outage = outageOf(probes);
  const m: VerifyMeasurement[] = [
    { name: 'outage', value: s3(outage.outageMs), unit: 's' },
    { name: 'probes', value: outage.total },
    { name: 'probes_failed', value: outage.failed },
  ];
  if (recoveredAt !== null)
    m.push({ name: 'time_to_recovery', value: s3(recoveredAt - injectedAt), unit: 's' });
  if (healthyAt !== null) m.push({ name: 'time_to_healthy', value: s3(healthyAt - injectedAt), unit: 's' });
  const fence = fences.find((f) => f.target === plan.target) ?? fences[0];
  m.push({ name: 'fenced_node', value: fence ? fence.target : 'none' });
  if (fence) {
    const at = fence.completedAt ?? fenceSeenAt.get(fence.key) ?? ended;
    m.push({ name: 'fencing_time', value: s3(Math.max(0, at - injectedAt)), unit: 's' });
  }
  const vipMax = maxHolders(sampler.samples);
  m.push({ name: 'max_vip_holders', value: vipMax }, { name: 'vip_samples', value: sampler.samples.length });
  if (writer && o.sql) {
    const gap = longestWriteGap(writer.writes, writer.writes[0]?.startedAt ?? started, ended);
    const back = await o.sql.readBack(drillKey);
    const lost = lostWrites(writer.writes, back.present);
    m.push(
      { name: 'writes_acked', value: lost.acked },
      { name: 'writes_failed', value: writer.writes.filter((w) => !w.acked).length },
      { name: 'writes_lost', value: lost.lost.length },
      { name: 'write_gap', value: s3(gap), unit: 's' },
    );
    for (const [host, n] of Object.entries(lost.missingOn))
      m.push({ name: 'writes_missing', value: n, host });
    problems.push(...back.errors);
    if (lost.lost.length > limits.max_lost_writes)
      problems.push(
        `${lost.lost.length} acknowledged writes lost (max ${limits.max_lost_writes}): rows ${lost.lost.slice(0, 10).join(', ')}${lost.lost.length > 10 ? ', …' : ''}`,
      );
    if (gap / 1000 > limits.max_write_gap_s)
      problems.push(`longest write gap ${s3(gap)} s (max ${limits.max_write_gap_s} s)`);
    if (lost.acked === 0) problems.push('no write was acknowledged during the drill');
  }
  if (outage.outageMs / 1000 > limits.max_outage_s)
    problems.push(`client-observed outage ${s3(outage.outageMs)} s (max ${limits.max_outage_s} s)`);
  if (vipMax > 1) problems.push(`the VIP was on ${vipMax} nodes at once (never more than one)`);
  if (spec.mustFence && injected && !fences.some((f) => f.target === plan.target))
    problems.push(`${plan.target} was not fenced`);
  const interrupted = o.signal.aborted;
  if (interrupted) problems.unshift('interrupted (Ctrl-C): the fault was healed, the drill did not finish');
  const status: DrillResult['status'] = problems.length ? 'fail' : 'pass';
  const figures = m
    .filter((x) =>
      ['outage', 'time_to_healthy', 'fencing_time', 'writes_lost', 'write_gap', 'max_vip_holders'].includes(
        x.name,
      ),
    )
    .map((x) => `${x.name} ${x.value}${x.unit ? ` ${x.unit}` : ''}`)
    .join(', ');
  const message = mask(status === 'pass' ? `passed: ${figures}` : `${problems.join('\n')}\n(${figures})`);
  const result: DrillResult = {
    id: spec.id,
    title: spec.title,
    status,
    message,
    startedAt,
    durationMs: ended - started,
    measurements: m,
    properties: {
      target: plan.target,
      vip_holder_before: holder,
      fault: plan.fault.describe(),
      backend: o.backend.kind,
      max_outage_s: String(limits.max_outage_s),
      ...(writer && o.sql
        ? { max_write_gap_s: String(limits.max_write_gap_s), max_lost_writes: String(limits.max_lost_writes) }
        : {}),
      ...(error ? { error: mask(error) } : {}),
    },
    timeline: timeline.sort((a, b) => a.atMs - b.atMs),
  };
  o.emit({
    type: 'verify.drill',
    at: Date.now(),
    drill: spec.id,
    title: spec.title,
    status,
    message,
    measurements: m,
  });
  return { result, healthy, interrupted };
}
