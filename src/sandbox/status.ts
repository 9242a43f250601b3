import { existsSync } from 'node:fs';
import { docker, isNotFound } from './docker.js';
import {
  checkSandboxName,
  containerName,
  DEFAULT_SANDBOX,
  LABEL_NODE,
  LABEL_SANDBOX,
  networkName,
  sandboxDir,
} from './names.js';
import { loadSandbox } from './state.js';
import type { NodeState, SandboxNodeStatus, SandboxStatus } from './types.js';

/** What exists of a sandbox: recorded state, its network and each node's container state. */
export async function sandboxStatus(
  name: string = DEFAULT_SANDBOX,
  opts: { cwd?: string } = {},
): Promise<SandboxStatus> {
  checkSandboxName(name);
  const dir = sandboxDir(name, opts.cwd);
  const sb = await loadSandbox(name, opts);
  const d = await docker();
  const net = networkName(name);
  let subnet: string | null = sb?.network.subnet ?? null;
  let netExists = false;
  try {
    const info = await d.getNetwork(net).inspect();
    netExists = true;
    subnet = (info as { IPAM?: { Config?: Array<{ Subnet?: string }> } }).IPAM?.Config?.[0]?.Subnet ?? subnet;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  const containers = await d.listContainers({ all: true, filters: { label: [`${LABEL_SANDBOX}=${name}`] } });
  const byNode = new Map(containers.map((c) => [c.Labels[LABEL_NODE] ?? '', c]));
  const nodeNames = new Set<string>([...(sb?.nodes.map((n) => n.name) ?? []), ...byNode.keys()]);
  nodeNames.delete('');
  const nodes: SandboxNodeStatus[] = [...nodeNames]
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((node) => {
      const c = byNode.get(node);
      const recorded = sb?.nodes.find((n) => n.name === node);
      const endpoint = c?.NetworkSettings?.Networks?.[net];
      return {
        name: node,
        address: recorded?.address ?? endpoint?.IPAddress ?? null,
        containerName: recorded?.containerName ?? containerName(name, node),
        containerId: c?.Id ?? null,
        state: (c?.State as NodeState | undefined) ?? 'missing',
        connected: endpoint !== undefined,
      };
    });
  return {
    name,
    exists: existsSync(dir) || netExists || containers.length > 0,
    dir,
    network: { name: net, subnet, exists: netExists },
    nodes,
    vip: sb?.vip ?? null,
  };
}

/** Names of all sandboxes that have containers or networks on this engine. */
export async function listSandboxes(): Promise<string[]> {
  const d = await docker();
  const containers = await d.listContainers({ all: true, filters: { label: [LABEL_SANDBOX] } });
  const networks = await d.listNetworks({ filters: { label: [LABEL_SANDBOX] } });
  const names = new Set<string>();
  for (const c of containers) if (c.Labels[LABEL_SANDBOX]) names.add(c.Labels[LABEL_SANDBOX]);
  for (const n of networks) if (n.Labels?.[LABEL_SANDBOX]) names.add(n.Labels[LABEL_SANDBOX]);
  return [...names].sort();
}
