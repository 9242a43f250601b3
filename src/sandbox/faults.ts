import { readFile } from 'node:fs/promises';
import { HakitError, InputError } from '../errors/index.js';
import { docker, dockerExec, isNotFound } from './docker.js';
import { parseKnownHosts } from './keys.js';
import { waitForSsh } from './ssh-probe.js';
import type { Sandbox, SandboxNode } from './types.js';

/**
 * Faults for failover drills. Each is a real action on the node's container or its network attachment,
 * done from outside the node (the node cannot undo it).
 */

function findNode(sb: Sandbox, node: string): SandboxNode {
  const n = sb.nodes.find((x) => x.name === node || x.containerName === node);
  if (!n)
    throw new InputError(
      `sandbox '${sb.name}' has no node '${node}' (nodes: ${sb.nodes.map((x) => x.name).join(', ')})`,
    );
  return n;
}

async function container(sb: Sandbox, node: string) {
  const n = findNode(sb, node);
  const d = await docker();
  return { n, c: d.getContainer(n.containerId), d };
}

/** Power cut: `docker kill -s KILL` (the container stays, stopped). */
export async function crashNode(sb: Sandbox, node: string): Promise<void> {
  const { c } = await container(sb, node);
  const info = await c.inspect();
  if (info.State.Paused) await c.unpause();
  if (info.State.Running) await c.kill({ signal: 'SIGKILL' });
}

/**
 * Boots the node again (after a crash; a running node is killed first, like a hard reset) and waits,
 * bounded, until sshd answers with the node's known host key.
 */
export async function restartNode(
  sb: Sandbox,
  node: string,
  opts: { timeoutMs?: number } = {},
): Promise<void> {
  const { n, c } = await container(sb, node);
  let info = await c.inspect();
  if (info.State.Paused) await c.unpause();
  info = await c.inspect();
  if (info.State.Running) await c.kill({ signal: 'SIGKILL' });
  await waitForState(c, false);
  await c.start();
  await waitForNodeSsh(sb, n, opts.timeoutMs ?? 120_000);
}

/**
 * Starts the node when it is not running (after a crash; a node fencing already started is left alone) and
 * waits, bounded, until sshd answers with the node's known host key. Idempotent: the way back from crashNode.
 */
export async function startNode(sb: Sandbox, node: string, opts: { timeoutMs?: number } = {}): Promise<void> {
  const { n, c } = await container(sb, node);
  const info = await c.inspect();
  if (info.State.Paused) await c.unpause();
  else if (!info.State.Running)
    try {
      await c.start();
    } catch (err) {
      // 304: started meanwhile (fence_docker's "on" races with us)
      if ((err as { statusCode?: number }).statusCode !== 304) throw err;
    }
  await waitForNodeSsh(sb, n, opts.timeoutMs ?? 120_000);
}

/** True when the node's container runs (and is not paused). */
export async function nodeRunning(sb: Sandbox, node: string): Promise<boolean> {
  const { c } = await container(sb, node);
  const info = await c.inspect();
  return info.State.Running && !info.State.Paused;
}

/**
 * Runs `sh -c command` inside the node's container (docker exec: works while the node is cut off its network);
 * null when the container does not run.
 */
export async function execInNode(
  sb: Sandbox,
  node: string,
  command: string,
): Promise<{ exitCode: number; stdout: string; stderr: string } | null> {
  const { c } = await container(sb, node);
  const info = await c.inspect();
  if (!info.State.Running || info.State.Paused) return null;
  return dockerExec(c, ['sh', '-c', command]);
}

/**
 * The IPv4 addresses local to a network namespace, from its `/proc/PID/net/fib_trie`: each `|-- ADDRESS` line
 * followed by a `/32 host LOCAL` line.
 */
export function localAddressesFromFibTrie(fibTrie: string): string[] {
  const out = new Set<string>();
  let last: string | null = null;
  for (const line of fibTrie.split('\n')) {
    const leaf = /\|--\s+(\d+\.\d+\.\d+\.\d+)\s*$/.exec(line);
    if (leaf) last = leaf[1] ?? null;
    else if (last && /\/32 host LOCAL/.test(line)) out.add(last);
  }
  return [...out].sort();
}

/**
 * The node's IPv4 addresses, read from outside the container — also while it is cut off its network: the
 * kernel's view of the container's network namespace (`/proc/PID/net/fib_trie` of its init), with no process
 * started in the container (a `docker exec` each time, as drills sample every few hundred milliseconds, loads a
 * small machine enough to delay corosync itself). Falls back to `ip -o -4 addr show` through docker exec when
 * /proc cannot be read (an engine on another machine). Null when the node does not run.
 */
export async function nodeAddresses(sb: Sandbox, node: string): Promise<string[] | null> {
  const { c } = await container(sb, node);
  const info = await c.inspect();
  if (!info.State.Running || info.State.Paused || !info.State.Pid) return null;
  try {
    return localAddressesFromFibTrie(await readFile(`/proc/${info.State.Pid}/net/fib_trie`, 'utf8'));
  } catch {
    const r = await dockerExec(c, ['ip', '-o', '-4', 'addr', 'show']);
    if (r.exitCode !== 0) return null;
    return [...r.stdout.matchAll(/\sinet\s+(\d+\.\d+\.\d+\.\d+)\//g)].map((m) => m[1] as string);
  }
}

/** Freezes every process of the node (cgroup freezer, `docker pause`): a hung host. */
export async function freezeNode(sb: Sandbox, node: string): Promise<void> {
  const { c } = await container(sb, node);
  const info = await c.inspect();
  if (!info.State.Running)
    throw new HakitError(`${node}: cannot freeze a node that is not running`, { code: 'E_SANDBOX_FAULT' });
  if (!info.State.Paused) await c.pause();
}

/** Undoes freezeNode. */
export async function thawNode(sb: Sandbox, node: string): Promise<void> {
  const { c } = await container(sb, node);
  const info = await c.inspect();
  if (info.State.Paused) await c.unpause();
}

/** Cuts the node off the sandbox network (`docker network disconnect`): no peer and no client reaches it. */
export async function isolateNode(sb: Sandbox, node: string): Promise<void> {
  const { n, d } = await container(sb, node);
  try {
    await d.getNetwork(sb.network.name).disconnect({ Container: n.containerId, Force: true });
  } catch (err) {
    // Already disconnected: isolating twice is fine.
    if (!isNotFound(err) && !/is not connected/.test(String(err))) throw err;
  }
}

/** Reconnects an isolated node with its own address (and its name as DNS alias). */
export async function healNode(sb: Sandbox, node: string): Promise<void> {
  const { n, c, d } = await container(sb, node);
  const info = await c.inspect();
  if (info.NetworkSettings.Networks[sb.network.name]) return;
  await d.getNetwork(sb.network.name).connect({
    Container: n.containerId,
    EndpointConfig: { IPAMConfig: { IPv4Address: n.address }, Aliases: [n.name] },
  });
}

async function waitForState(c: Awaited<ReturnType<typeof container>>['c'], running: boolean): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const info = await c.inspect();
    if (info.State.Running === running) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new HakitError(`container ${c.id} did not ${running ? 'start' : 'stop'}`, {
    code: 'E_SANDBOX_FAULT',
  });
}

/** Waits (bounded) until the node answers SSH with its recorded host key and the sandbox key. */
export async function waitForNodeSsh(sb: Sandbox, n: SandboxNode, timeoutMs = 120_000): Promise<void> {
  const known = parseKnownHosts(await readFile(sb.knownHostsPath, 'utf8'));
  const hostKey = known.get(n.address);
  if (!hostKey)
    throw new HakitError(`${n.name}: no host key for ${n.address} in ${sb.knownHostsPath}`, {
      code: 'E_SANDBOX_FAULT',
    });
  const privateKey = await readFile(sb.keyPath, 'utf8');
  await waitForSsh({ address: n.address, hostKey, privateKey }, { timeoutMs });
}
