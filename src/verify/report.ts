import type { VerifyCheckResult, VerifyMeasurement } from '../events/types.js';
import { clusterNodes, galeraMembers, type Inventory, linkAddresses } from '../inventory/index.js';

/** Exit code of `hakit verify` when a check failed (0: every check passed, warnings allowed). */
export const VERIFY_FAILED_EXIT = 7;

/** One point of a drill's timeline, ms from the drill's start. */
export interface TimelineEvent {
  atMs: number;
  kind: 'probe-ok' | 'probe-fail' | 'fault' | 'heal' | 'fence' | 'resource' | 'note';
  label: string;
  host?: string;
}

/**
 * A failover drill's result (drills arrive after the health checks: this is the shape the reports already
 * carry). Measurements are the drill's figures (outage, lost writes, …); properties what it did.
 */
export interface DrillResult {
  id: string;
  title: string;
  status: 'pass' | 'fail';
  message: string;
  startedAt: string;
  durationMs: number;
  measurements: VerifyMeasurement[];
  properties: Record<string, string>;
  timeline: TimelineEvent[];
}

export interface TopologyNode {
  name: string;
  addresses: string[];
  roles: string[];
  clusterMember: boolean;
  galeraMember: boolean;
}

export interface Topology {
  cluster: string;
  nodes: TopologyNode[];
  vips: { id: string; ip: string; cidr: number; holders: string[] | null }[];
  frontends: { name: string; bind: string[]; backend: string }[];
}

export interface VerifyReport {
  format: 'hakit-verify/1';
  tool: { name: 'hakit'; version: string };
  inventory: string;
  startedAt: string;
  durationMs: number;
  topology: Topology;
  checks: VerifyCheckResult[];
  drills: DrillResult[];
  summary: {
    checks: { total: number; passed: number; failed: number; warned: number };
    drills: { total: number; passed: number; failed: number };
    exitCode: number;
  };
}

/** The cluster as the inventory describes it, with the VIP holders the vip check found (null: not read). */
export function topologyOf(inv: Inventory, checks: VerifyCheckResult[]): Topology {
  const members = new Set(clusterNodes(inv).map((n) => n.name));
  const galera = new Set(galeraMembers(inv));
  const vipCheck = checks.find((c) => c.id === 'pacemaker.vip');
  return {
    cluster: inv.cluster.name,
    nodes: inv.nodes.map((n) => ({
      name: n.name,
      addresses: linkAddresses(n),
      roles: [...n.roles],
      clusterMember: members.has(n.name),
      galeraMember: galera.has(n.name),
    })),
    vips: inv.pacemaker.resources.flatMap((r) => {
      if (r.type !== 'ipaddr2') return [];
      const on = vipCheck?.measurements.find((m) => m.name === `${r.id}.on`);
      return [
        {
          id: r.id,
          ip: r.ip,
          cidr: r.cidr_netmask,
          holders: on === undefined ? null : String(on.value).split(',').filter(Boolean),
        },
      ];
    }),
    frontends: (inv.haproxy?.frontends ?? []).map((f) => ({
      name: f.name,
      bind: f.bind,
      backend: f.default_backend,
    })),
  };
}

export function summarize(checks: VerifyCheckResult[], drills: DrillResult[]): VerifyReport['summary'] {
  const count = (s: string) => checks.filter((c) => c.status === s).length;
  const failed = count('fail') + drills.filter((d) => d.status === 'fail').length;
  return {
    checks: { total: checks.length, passed: count('pass'), failed: count('fail'), warned: count('warn') },
    drills: {
      total: drills.length,
      passed: drills.filter((d) => d.status === 'pass').length,
      failed: drills.filter((d) => d.status === 'fail').length,
    },
    exitCode: failed ? VERIFY_FAILED_EXIT : 0,
  };
}

export function buildReport(o: {
  inv: Inventory;
  inventory: string;
  version: string;
  startedAt: number;
  endedAt: number;
  checks: VerifyCheckResult[];
  drills?: DrillResult[];
}): VerifyReport {
  const drills = o.drills ?? [];
  return {
    format: 'hakit-verify/1',
    tool: { name: 'hakit', version: o.version },
    inventory: o.inventory,
    startedAt: new Date(o.startedAt).toISOString(),
    durationMs: o.endedAt - o.startedAt,
    topology: topologyOf(o.inv, o.checks),
    checks: o.checks,
    drills,
    summary: summarize(o.checks, drills),
  };
}
