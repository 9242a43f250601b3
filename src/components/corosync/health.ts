import { clusterNodes, nodeId } from '../../model/index.js';
import {
  type CheckOutcome,
  type HealthCheck,
  type Measurement,
  type Probe,
  plural,
  readingErrors,
} from '../health.js';
import type { Inventory } from '../inventory-schema.js';
import {
  type KnetLatency,
  knetLatencies,
  type LinkStatus,
  linkUp,
  parseCmap,
  parseLinkStatus,
  parseQuorumStatus,
  type QuorumStatus,
} from './status.js';

const members = (inv: Inventory) => clusterNodes(inv).map((n) => n.name);

export const quorumProbe: Probe<QuorumStatus> = {
  id: 'corosync-quorumtool',
  hosts: members,
  command: () => 'corosync-quorumtool -s 2>&1',
  parse: (out) => parseQuorumStatus(out.stdout),
};

export const linksProbe: Probe<LinkStatus> = {
  id: 'corosync-cfgtool',
  hosts: members,
  command: () => 'corosync-cfgtool -s 2>&1',
  parse: (out) => parseLinkStatus(out.stdout),
};

export interface CorosyncRuntime {
  /** runtime.config.totem.token: the token timeout in effect (token_coefficient included), ms. */
  tokenMs: number;
  latencies: KnetLatency[];
}

export const runtimeProbe: Probe<CorosyncRuntime> = {
  id: 'corosync-cmapctl',
  hosts: members,
  command: () =>
    'corosync-cmapctl runtime.config.totem.token 2>&1; corosync-cmapctl -m stats stats.knet. 2>/dev/null | grep -E "[.](latency_ave|latency_max|connected) "',
  parse(out) {
    const cmap = parseCmap(out.stdout);
    const token = Number(cmap.get('runtime.config.totem.token'));
    if (!Number.isInteger(token) || token <= 0)
      throw new Error(
        `corosync-cmapctl gave no runtime.config.totem.token${out.stdout.trim() ? `: ${out.stdout.trim().split('\n')[0]}` : ''}`,
      );
    return { tokenMs: token, latencies: knetLatencies(cmap) };
  },
};

const startHint = (host: string) => `${host}: corosync does not answer (systemctl start corosync)`;

export const quorumCheck: HealthCheck = {
  id: 'corosync.quorum',
  component: 'corosync',
  title: 'Every member is in the membership and quorate, with the expected votes',
  reads: 'corosync-quorumtool -s on every cluster member',
  expects:
    'on each member: Quorate: Yes, every inventory member listed, total votes = expected votes = one per member (plus the quorum device)',
  why: 'a member outside the membership runs nothing and is a fencing target; a partition without quorum stops its resources',
  probes: [quorumProbe],
  evaluate(ctx) {
    const names = members(ctx.inv);
    const problems: string[] = [];
    const measurements: Measurement[] = [];
    for (const r of ctx.readings(quorumProbe)) {
      if (!r.ok) {
        problems.push(`${startHint(r.host)}: ${r.error}`);
        continue;
      }
      const q = r.value;
      measurements.push(
        { name: 'quorate', value: q.quorate, host: r.host },
        { name: 'members', value: q.members.length, host: r.host },
        ...(q.totalVotes === null ? [] : [{ name: 'total_votes', value: q.totalVotes, host: r.host }]),
      );
      if (!q.quorate) problems.push(`${r.host}: not quorate (its partition stops its resources)`);
      const seen = new Set(q.members.map((m) => m.name));
      const missing = names.filter((n) => !seen.has(n));
      if (missing.length)
        problems.push(
          `${r.host}: ${missing.join(', ')} not in its membership (corosync down or cut off there?)`,
        );
      const extra = q.members.map((m) => m.name).filter((n) => !names.includes(n));
      if (extra.length) problems.push(`${r.host}: members not in the inventory: ${extra.join(', ')}`);
      const want = names.length + (q.qdeviceVotes ?? 0);
      if (q.expectedVotes !== null && q.expectedVotes !== want)
        problems.push(`${r.host}: expected votes ${q.expectedVotes}, the inventory gives ${want}`);
      if (q.totalVotes !== null && q.expectedVotes !== null && q.totalVotes < q.expectedVotes)
        problems.push(`${r.host}: ${q.totalVotes} of ${q.expectedVotes} votes present`);
    }
    if (problems.length) return { status: 'fail', message: problems.join('\n'), measurements };
    return {
      status: 'pass',
      message: `${plural(names.length, 'member')} quorate, each seeing all ${names.length}`,
      measurements,
    };
  },
};

export const linksCheck: HealthCheck = {
  id: 'corosync.links',
  component: 'corosync',
  title: 'Every knet link of every member is connected to every other member',
  reads: 'corosync-cfgtool -s on every cluster member',
  expects:
    "one LINK block per link address of the node in the inventory, each listing every other member's node ID as connected",
  why: 'a link down is redundancy lost without a symptom: the next failure of the remaining link splits the cluster',
  probes: [linksProbe],
  evaluate(ctx) {
    const nodes = clusterNodes(ctx.inv);
    const ids = new Map(nodes.map((n) => [nodeId(ctx.inv, n), n.name]));
    const problems: string[] = [];
    let up = 0;
    let total = 0;
    for (const r of ctx.readings(linksProbe)) {
      if (!r.ok) {
        problems.push(`${startHint(r.host)}: ${r.error}`);
        continue;
      }
      const node = nodes.find((n) => n.name === r.host);
      const wantLinks = node?.links.length ?? 1;
      if (r.value.links.length < wantLinks)
        problems.push(
          `${r.host}: ${plural(r.value.links.length, 'link')} up in corosync, the inventory gives ${wantLinks}`,
        );
      for (const link of r.value.links) {
        for (const [id, name] of ids) {
          if (name === r.host) continue;
          total++;
          const peer = link.peers.find((p) => p.nodeid === id);
          if (peer && linkUp(peer.status)) up++;
          else
            problems.push(
              `${r.host}: link ${link.link}${link.address ? ` (${link.address})` : ''} to ${name}: ${peer ? peer.status : 'not listed'}`,
            );
        }
      }
    }
    const measurements: Measurement[] = [
      { name: 'links_connected', value: up },
      { name: 'links_expected', value: total },
    ];
    if (problems.length) return { status: 'fail', message: problems.join('\n'), measurements };
    return { status: 'pass', message: `${up} of ${total} member-to-member links connected`, measurements };
  },
};

/** Below corosync's own default token (1000 ms) a scheduling hiccup is enough to lose a member. */
export const TOKEN_FLOOR_MS = 1000;
/** The average link latency should stay under this fraction of the token (knet pings every token/4 or so). */
export const LATENCY_TOKEN_FRACTION = 0.1;

export const tokenCheck: HealthCheck = {
  id: 'corosync.token',
  component: 'corosync',
  title: 'The totem token suits the links',
  reads:
    'corosync-cmapctl runtime.config.totem.token and the knet link latencies (corosync-cmapctl -m stats)',
  expects: `token ≥ ${TOKEN_FLOOR_MS} ms, and every link's average latency below ${LATENCY_TOKEN_FRACTION * 100} % of the token`,
  why: 'a token too short for the links makes members drop out (and get fenced) on a busy or slow network',
  advisory: true,
  probes: [runtimeProbe],
  evaluate(ctx): CheckOutcome {
    const readings = ctx.readings(runtimeProbe);
    const errors = readingErrors(readings);
    const advice: string[] = [];
    const measurements: Measurement[] = [];
    let worst: { host: string; l: KnetLatency } | undefined;
    for (const r of readings) {
      if (!r.ok) continue;
      const token = r.value.tokenMs;
      measurements.push({ name: 'token', value: token, unit: 'ms', host: r.host });
      if (token < TOKEN_FLOOR_MS)
        advice.push(
          `${r.host}: token ${token} ms is below ${TOKEN_FLOOR_MS} ms: raise cluster.totem.token (3000 is the usual production value)`,
        );
      for (const l of r.value.latencies) {
        if (l.averageUs === null) continue;
        if (!worst || (worst.l.averageUs ?? 0) < l.averageUs) worst = { host: r.host, l };
        if (l.averageUs / 1000 > token * LATENCY_TOKEN_FRACTION)
          advice.push(
            `${r.host}: link ${l.link} to node ${l.nodeid} averages ${(l.averageUs / 1000).toFixed(1)} ms, over ${LATENCY_TOKEN_FRACTION * 100} % of the ${token} ms token: raise cluster.totem.token`,
          );
      }
    }
    if (worst?.l.averageUs != null)
      measurements.push({ name: 'worst_link_latency_avg', value: worst.l.averageUs, unit: 'us' });
    if (errors.length && errors.length === readings.length)
      return { status: 'fail', message: errors.join('\n'), measurements };
    if (advice.length) return { status: 'warn', message: advice.join('\n'), measurements };
    const token = measurements.find((m) => m.name === 'token')?.value;
    return {
      status: 'pass',
      message: `token ${token} ms${worst?.l.averageUs != null ? `, worst link average ${(worst.l.averageUs / 1000).toFixed(2)} ms` : ''}${errors.length ? ` (not read: ${errors.join('; ')})` : ''}`,
      measurements,
    };
  },
};

export const COROSYNC_CHECKS: readonly HealthCheck[] = [quorumCheck, linksCheck, tokenCheck];
