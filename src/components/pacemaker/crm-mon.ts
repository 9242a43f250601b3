import { parseXml, type XmlElement } from '../../pacemaker/xml.js';

/**
 * `crm_mon --output-as=xml --inactive` (Pacemaker 2.1) read into what the health checks need: the summary (DC,
 * quorum, cluster options), the nodes, every resource (clone and group members flattened, with their parent),
 * the failed actions. Pure.
 */

export interface MonNode {
  name: string;
  id: string;
  online: boolean;
  standby: boolean;
  maintenance: boolean;
  pending: boolean;
  unclean: boolean;
  shutdown: boolean;
  isDc: boolean;
}

export interface MonResource {
  id: string;
  /** The clone or group holding it, if any. */
  parent: string | null;
  agent: string;
  role: string;
  targetRole: string | null;
  active: boolean;
  managed: boolean;
  blocked: boolean;
  failed: boolean;
  orphaned: boolean;
  /** Nodes it runs on. */
  nodes: string[];
}

export interface MonFailure {
  opKey: string;
  node: string;
  exitStatus: string;
  exitReason: string;
  task: string;
  lastRcChange: string;
}

export interface CrmMon {
  dc: string | null;
  withQuorum: boolean;
  /** cluster_options attributes as printed (stonith-enabled, no-quorum-policy, maintenance-mode, …). */
  options: Record<string, string>;
  nodes: MonNode[];
  resources: MonResource[];
  failures: MonFailure[];
}

const yes = (v: string | undefined) => v === 'true';

function walkResources(el: XmlElement, parent: string | null, out: MonResource[]): void {
  for (const c of el.children) {
    if (c.name === 'resource') {
      out.push({
        id: c.attrs.id ?? '',
        parent,
        agent: c.attrs.resource_agent ?? '',
        role: c.attrs.role ?? '',
        targetRole: c.attrs.target_role ?? null,
        active: yes(c.attrs.active),
        managed: c.attrs.managed !== 'false',
        blocked: yes(c.attrs.blocked),
        failed: yes(c.attrs.failed),
        orphaned: yes(c.attrs.orphaned),
        nodes: c.children.filter((n) => n.name === 'node').map((n) => n.attrs.name ?? ''),
      });
    } else if (c.name === 'clone' || c.name === 'group' || c.name === 'bundle') {
      walkResources(c, c.attrs.id ?? parent, out);
    }
  }
}

/** Throws when crm_mon did not print its XML or reports an error (pacemaker not running, no connection). */
export function parseCrmMon(text: string): CrmMon {
  const start = text.indexOf('<pacemaker-result');
  if (start < 0)
    throw new Error(`crm_mon printed no XML result${text.trim() ? `: ${text.trim().split('\n')[0]}` : ''}`);
  const root = parseXml(text.slice(start));
  const status = root.children.find((c) => c.name === 'status');
  const code = status?.attrs.code;
  if (code !== undefined && code !== '0') {
    const errors = (status?.children ?? []).flatMap((e) => e.children).map((e) => e.text ?? '');
    const own = (status?.children ?? []).map((e) => e.text ?? '').filter(Boolean);
    throw new Error(
      `crm_mon: ${status?.attrs.message ?? 'error'} (code ${code})${[...own, ...errors].length ? `: ${[...own, ...errors].join('; ')}` : ''}`,
    );
  }
  const child = (el: XmlElement | undefined, name: string) => el?.children.find((c) => c.name === name);
  const summary = child(root, 'summary');
  const dc = child(summary, 'current_dc');
  const nodes: MonNode[] = (child(root, 'nodes')?.children ?? [])
    .filter((n) => n.name === 'node')
    .map((n) => ({
      name: n.attrs.name ?? '',
      id: n.attrs.id ?? '',
      online: yes(n.attrs.online),
      standby: yes(n.attrs.standby),
      maintenance: yes(n.attrs.maintenance),
      pending: yes(n.attrs.pending),
      unclean: yes(n.attrs.unclean),
      shutdown: yes(n.attrs.shutdown),
      isDc: yes(n.attrs.is_dc),
    }));
  const resources: MonResource[] = [];
  const res = child(root, 'resources');
  if (res) walkResources(res, null, resources);
  const failures: MonFailure[] = (child(root, 'failures')?.children ?? [])
    .filter((f) => f.name === 'failure')
    .map((f) => ({
      opKey: f.attrs.op_key ?? f.attrs.id ?? '',
      node: f.attrs.node ?? '',
      exitStatus: f.attrs.exitstatus ?? '',
      exitReason: f.attrs.exitreason ?? '',
      task: f.attrs.task ?? '',
      lastRcChange: f.attrs['last-rc-change'] ?? '',
    }));
  return {
    dc: dc && yes(dc.attrs.present) ? (dc.attrs.name ?? null) : null,
    withQuorum: dc ? yes(dc.attrs.with_quorum) : false,
    options: { ...(child(summary, 'cluster_options')?.attrs ?? {}) },
    nodes,
    resources,
    failures,
  };
}
