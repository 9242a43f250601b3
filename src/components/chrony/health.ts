import type { HealthCheck, Measurement, Probe } from '../health.js';
import type { Inventory } from '../inventory-schema.js';
import { parseTimeReadout, type TimeReadout } from './tracking.js';

/** |chrony system offset| above this fails (Galera, logs and certificates notice well before a second). */
export const MAX_CHRONY_OFFSET_S = 0.1;
/** Clocks of two nodes, as the controller sees them, may differ by this much beyond the measuring uncertainty. */
export const MAX_CLOCK_SPREAD_S = 0.5;

export interface TimeSample extends TimeReadout {
  /** The node's clock minus the controller's at the middle of the round trip, seconds. */
  offsetFromController: number;
  /** Half the round trip: the offset is known to within this, seconds. */
  uncertainty: number;
}

export const timeProbe: Probe<TimeSample> = {
  id: 'time',
  hosts: (inv: Inventory) => inv.nodes.map((n) => n.name),
  become: false,
  command: () =>
    [
      `printf 'T|%s\\n' "$(date +%s.%N)"`,
      `if command -v systemd-detect-virt >/dev/null 2>&1 && systemd-detect-virt --container >/dev/null 2>&1; then echo 'V|container'; else echo 'V|none'; fi`,
      `if command -v chronyc >/dev/null 2>&1; then o=$(chronyc -c tracking 2>&1); printf 'C|%s|%s\\n' "$?" "$o"; else echo 'C|missing'; fi`,
    ].join('\n'),
  parse(out) {
    const r = parseTimeReadout(out.stdout);
    const mid = (out.startedAt + out.endedAt) / 2000;
    return { ...r, offsetFromController: r.clock - mid, uncertainty: (out.endedAt - out.startedAt) / 2000 };
  },
};

export const timeCheck: HealthCheck = {
  id: 'chrony.time',
  component: 'chrony',
  title: 'Time is in sync on every node',
  reads:
    "date +%s.%N and chronyc -c tracking on every node (the clock read against the controller's over the SSH round trip)",
  expects: `chronyd synchronised (leap status Normal) with |offset| ≤ ${MAX_CHRONY_OFFSET_S} s, except in containers (the host's clock); node clocks within ${MAX_CLOCK_SPREAD_S} s of each other`,
  why: 'skewed clocks make logs of a failover impossible to line up, and break TLS, Kerberos and time-based rules',
  probes: [timeProbe],
  evaluate(ctx) {
    const problems: string[] = [];
    const measurements: Measurement[] = [];
    const good: { host: string; s: TimeSample }[] = [];
    for (const r of ctx.readings(timeProbe)) {
      if (!r.ok) {
        problems.push(`${r.host}: time not read: ${r.error}`);
        continue;
      }
      const s = r.value;
      good.push({ host: r.host, s });
      measurements.push({
        name: 'clock_offset',
        value: Number(s.offsetFromController.toFixed(3)),
        unit: 's',
        host: r.host,
      });
      if (s.tracking) {
        measurements.push({ name: 'chrony_offset', value: s.tracking.systemOffset, unit: 's', host: r.host });
        if (s.tracking.leap !== 'Normal')
          problems.push(
            `${r.host}: chronyd is not synchronised (${s.tracking.leap}); check its sources: chronyc sources`,
          );
        else if (Math.abs(s.tracking.systemOffset) > MAX_CHRONY_OFFSET_S)
          problems.push(
            `${r.host}: clock ${s.tracking.systemOffset.toFixed(3)} s off NTP time (more than ${MAX_CHRONY_OFFSET_S} s)`,
          );
      } else if (!s.container)
        problems.push(`${r.host}: ${s.chronyError ?? 'chronyd does not answer'} (systemctl start chrony)`);
    }
    let spread = 0;
    if (good.length > 1) {
      const lo = good.reduce((a, b) => (a.s.offsetFromController <= b.s.offsetFromController ? a : b));
      const hi = good.reduce((a, b) => (a.s.offsetFromController >= b.s.offsetFromController ? a : b));
      spread = hi.s.offsetFromController - lo.s.offsetFromController;
      const slack = hi.s.uncertainty + lo.s.uncertainty;
      measurements.push({ name: 'clock_spread', value: Number(spread.toFixed(3)), unit: 's' });
      if (spread - slack > MAX_CLOCK_SPREAD_S)
        problems.push(
          `${hi.host}'s clock is ${spread.toFixed(2)} s ahead of ${lo.host}'s (± ${slack.toFixed(2)} s)`,
        );
    }
    if (problems.length) return { status: 'fail', message: problems.join('\n'), measurements };
    const synced = good.filter((g) => g.s.tracking).length;
    const containers = good.filter((g) => !g.s.tracking && g.s.container).length;
    return {
      status: 'pass',
      message: [
        synced ? `${synced} synchronised by chronyd` : '',
        containers ? `${containers} in containers (the host's clock)` : '',
        `clocks within ${spread.toFixed(2)} s of each other`,
      ]
        .filter(Boolean)
        .join('; '),
      measurements,
    };
  },
};

export const CHRONY_CHECKS: readonly HealthCheck[] = [timeCheck];
