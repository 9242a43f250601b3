import type {
  AnyProbe,
  CheckContext,
  HealthCheck,
  Probe,
  ProbeOutput,
  Reading,
} from '../components/health.js';
import type { VerifyCheckResult } from '../events/types.js';
import type { Inventory } from '../inventory/index.js';

/** Runs one command on one host; throws when the host cannot be reached (the message says why). */
export type ProbeExec = (
  host: string,
  command: string,
  opts: { become: boolean; timeoutMs: number },
) => Promise<ProbeOutput>;

export interface RunChecksOptions {
  inv: Inventory;
  checks: readonly HealthCheck[];
  exec: ProbeExec;
  /** The desired content of file `id` of `host` (see CheckContext.desiredFile). */
  desiredFile?: (host: string, id: string) => string | undefined;
  /** Masks secrets in what leaves hakit (messages, details, measurement strings). */
  mask?: (text: string) => string;
  /** Called as each check is evaluated (in check order). */
  onResult?: (r: VerifyCheckResult) => void;
}

const DEFAULT_TIMEOUT_MS = 30_000;

interface Timed<T> {
  reading: Reading<T>;
  durationMs: number;
}

async function readOnce<T>(probe: Probe<T>, host: string, o: RunChecksOptions): Promise<Timed<T>> {
  const startedAt = Date.now();
  try {
    const out = await o.exec(host, probe.command(o.inv), {
      become: probe.become ?? true,
      timeoutMs: probe.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    });
    const durationMs = out.endedAt - out.startedAt;
    try {
      return { reading: { host, ok: true, value: probe.parse(out) }, durationMs };
    } catch (err) {
      return { reading: { host, ok: false, error: errorText(err) }, durationMs };
    }
  } catch (err) {
    return { reading: { host, ok: false, error: errorText(err) }, durationMs: Date.now() - startedAt };
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Every probe's readings: all hosts at once; a `once` probe tries its hosts in order until one answers. */
async function readProbes(probes: AnyProbe[], o: RunChecksOptions): Promise<Map<string, Timed<unknown>[]>> {
  const out = new Map<string, Timed<unknown>[]>();
  await Promise.all(
    probes.map(async (p) => {
      const hosts = p.hosts(o.inv);
      if (p.once) {
        let last: Timed<unknown> | undefined;
        const failures: string[] = [];
        for (const h of hosts) {
          last = await readOnce(p, h, o);
          if (last.reading.ok) break;
          failures.push(`${h}: ${last.reading.error}`);
        }
        if (!last) out.set(p.id, []);
        else if (last.reading.ok) out.set(p.id, [last]);
        else
          out.set(p.id, [
            {
              reading: { host: last.reading.host, ok: false, error: failures.join('; ') },
              durationMs: last.durationMs,
            },
          ]);
      } else out.set(p.id, await Promise.all(hosts.map((h) => readOnce(p, h, o))));
    }),
  );
  return out;
}

/** The checks that apply to the inventory, in order. */
export function applicableChecks(inv: Inventory, checks: readonly HealthCheck[]): HealthCheck[] {
  return checks.filter((c) => c.applies?.(inv) ?? true);
}

/**
 * Reads what the applicable checks need (each probe once per host) and evaluates them, in order. Never throws
 * for a host or a check: an unreachable host or a failed read is a failed check naming it; a check that throws
 * fails with its error.
 */
export async function runChecks(o: RunChecksOptions): Promise<VerifyCheckResult[]> {
  const checks = applicableChecks(o.inv, o.checks);
  const probes = new Map<string, AnyProbe>();
  for (const c of checks) for (const p of c.probes) if (!probes.has(p.id)) probes.set(p.id, p);
  const read = await readProbes([...probes.values()], o);
  const mask = o.mask ?? ((t: string) => t);
  const ctx: CheckContext = {
    inv: o.inv,
    readings: <T>(p: Probe<T>) => (read.get(p.id) ?? []).map((t) => t.reading as Reading<T>),
    desiredFile: (host, id) => o.desiredFile?.(host, id),
  };
  const results: VerifyCheckResult[] = [];
  for (const c of checks) {
    let outcome: ReturnType<HealthCheck['evaluate']>;
    try {
      outcome = c.evaluate(ctx);
    } catch (err) {
      outcome = { status: 'fail', message: `the check itself failed: ${errorText(err)}` };
    }
    const durationMs = Math.max(
      0,
      ...c.probes.flatMap((p) => (read.get(p.id) ?? []).map((t) => t.durationMs)),
    );
    // An advisory check warns about what it finds; it fails only when it could not read what it needs.
    const status = outcome.status;
    const r: VerifyCheckResult = {
      id: c.id,
      component: c.component,
      title: c.title,
      status,
      message: mask(outcome.message),
      ...(outcome.details ? { details: mask(outcome.details) } : {}),
      measurements: (outcome.measurements ?? []).map((m) =>
        typeof m.value === 'string' ? { ...m, value: mask(m.value) } : { ...m },
      ),
      reads: c.reads,
      expects: c.expects,
      why: c.why,
      advisory: c.advisory === true,
      durationMs,
    };
    results.push(r);
    o.onResult?.(r);
  }
  return results;
}
