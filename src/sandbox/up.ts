import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HakitError } from '../errors/index.js';
import { startNodeContainer } from './container.js';
import { abortError, docker, dockerExec, sleep, throwIfAborted } from './docker.js';
import { removeSandboxResources } from './down.js';
import { FENCE_PORT, fencingSupported, makeFenceCerts, nodeFenceFiles, startFenceProxy } from './fence.js';
import { ensureImages } from './images.js';
import { type FencingEndpoint, renderInventory, SECRET_FILES } from './inventory.js';
import { knownHostsLines, writeKeyPair } from './keys.js';
import {
  checkNodeCount,
  checkSandboxName,
  containerName,
  DEFAULT_NODES,
  DEFAULT_SANDBOX,
  LABEL_SANDBOX,
  networkName,
  nodeName,
  sandboxDir,
} from './names.js';
import { waitForSsh } from './ssh-probe.js';
import { sandboxPaths, writeState } from './state.js';
import { chooseSubnet, planSubnet } from './subnet.js';
import type { Sandbox, SandboxNode, SandboxUpOptions } from './types.js';

const INOTIFY_FILE = '/proc/sys/fs/inotify/max_user_instances';
const INOTIFY_MIN = 8192;
/** Containers created/booted at once: keeps 2 cores from thrashing with 30 booting systemds. */
const START_CONCURRENCY = 6;
const BOOT_TIMEOUT_MS = 180_000;

/**
 * Starts a sandbox: N Debian hosts (systemd PID 1, sshd) on a dedicated network with a fixed subnet, a key
 * pair, a known_hosts with each node's real host key, and an inventory. If it fails or `signal` aborts,
 * everything it created is removed before it rejects.
 */
export async function sandboxUp(opts: SandboxUpOptions = {}): Promise<Sandbox> {
  const name = checkSandboxName(opts.name ?? DEFAULT_SANDBOX);
  const count = checkNodeCount(opts.nodes ?? DEFAULT_NODES);
  const progress = opts.onProgress ?? (() => {});
  const signal = opts.signal;
  const dir = sandboxDir(name, opts.cwd);
  const d = await docker();

  const existing = await d.listContainers({ all: true, filters: { label: [`${LABEL_SANDBOX}=${name}`] } });
  if (existing.length > 0) {
    throw new HakitError(
      `sandbox '${name}' already exists (${existing.length} containers); run 'hakit sandbox down --name ${name}' first`,
      { code: 'E_SANDBOX_EXISTS' },
    );
  }

  const images = await ensureImages({
    packageCache: opts.packageCache !== false,
    ...(signal ? { signal } : {}),
    onProgress: progress,
  });
  throwIfAborted(signal);
  await raiseInotifyLimit(progress);

  // From here on, anything created is removed again if `up` does not complete.
  const inFlight = new Set<Promise<unknown>>();
  try {
    // A state dir without containers is a leftover (e.g. a killed `up`): start from scratch.
    await removeSandboxResources(name, dir);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const paths = sandboxPaths(dir);
    const { publicKey } = await writeKeyPair(paths.keyPath, `hakit-sandbox-${name}`);
    await writeSecrets(dir);

    const net = networkName(name);
    const { subnet, plan } = await createNetwork(name, net, count, progress);
    let fence: FencingEndpoint | null = null;
    let extraFiles: ReturnType<typeof nodeFenceFiles> = [];
    if (opts.fencing !== false) {
      const why = fencingSupported();
      if (why) {
        progress(`fencing disabled (STONITH off in the inventory): ${why}`);
      } else {
        progress(`starting the fencing proxy at ${plan.fence}:${FENCE_PORT}`);
        const certs = await makeFenceCerts(dir, name, plan.fence);
        fence = await track(
          inFlight,
          startFenceProxy({ image: images.host, sandbox: name, network: net, address: plan.fence, certs }),
        );
        extraFiles = nodeFenceFiles(certs);
      }
    }
    throwIfAborted(signal);

    const specs = plan.addresses.map((address, i) => {
      const node = nodeName(i);
      return { node, address, containerName: containerName(name, node) };
    });
    const nodes: SandboxNode[] = [];
    const hostKeys = new Map<string, string>();
    const privateKey = await readFile(paths.keyPath, 'utf8');
    progress(`starting ${count} node${count === 1 ? '' : 's'} from ${images.node}`);
    await pool(
      specs,
      START_CONCURRENCY,
      async (s) => {
        const containerId = await track(
          inFlight,
          startNodeContainer({
            image: images.node,
            sandbox: name,
            node: s.node,
            containerName: s.containerName,
            network: net,
            address: s.address,
            authorizedKey: publicKey,
            extraFiles,
          }),
        );
        nodes.push({ name: s.node, address: s.address, containerId, containerName: s.containerName });
        const hostKey = await waitForBoot(containerId, s.node, signal);
        hostKeys.set(s.node, hostKey);
        await waitForSsh(
          { address: s.address, hostKey: hostKeyBlob(hostKey), privateKey },
          { timeoutMs: 60_000, ...(signal ? { signal } : {}) },
        );
        progress(`${s.node} (${s.address}) is up`);
      },
      signal,
    );
    nodes.sort(
      (a, b) => specs.findIndex((s) => s.node === a.name) - specs.findIndex((s) => s.node === b.name),
    );

    await writeFile(
      paths.knownHostsPath,
      knownHostsLines(nodes.map((n) => ({ address: n.address, hostKey: hostKeys.get(n.name)! }))),
      { mode: 0o644 },
    );
    const sb: Sandbox = {
      name,
      nodes,
      network: { name: net, subnet, gateway: plan.gateway },
      dir,
      keyPath: paths.keyPath,
      knownHostsPath: paths.knownHostsPath,
      inventoryPath: paths.inventoryPath,
      vip: plan.vip,
      fence,
    };
    await writeFile(paths.inventoryPath, renderInventory(sb, fence));
    await writeState(sb);
    throwIfAborted(signal);
    return sb;
  } catch (err) {
    // Let creations already under way finish, so that the cleanup below sees (and removes) them.
    await Promise.allSettled([...inFlight]);
    progress(`sandbox '${name}' did not come up; removing what was created`);
    await removeSandboxResources(name, dir);
    throw err;
  }
}

function track<T>(set: Set<Promise<unknown>>, p: Promise<T>): Promise<T> {
  set.add(p);
  p.then(
    () => set.delete(p),
    () => set.delete(p),
  );
  return p;
}

/** Runs `fn` over `items` with at most `limit` at once; stops taking new items once one fails or `signal` aborts. */
async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>, signal?: AbortSignal) {
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (next < items.length && failed === undefined) {
      if (signal?.aborted) {
        failed ??= abortError(signal);
        break;
      }
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failed !== undefined) throw failed;
}

/** Waits (bounded) until systemd finished booting and sshd has its host key; returns the `.pub` line. */
async function waitForBoot(containerId: string, node: string, signal?: AbortSignal): Promise<string> {
  const d = await docker();
  const c = d.getContainer(containerId);
  const deadline = Date.now() + BOOT_TIMEOUT_MS;
  let state = '';
  for (let attempt = 0; attempt < 600 && Date.now() < deadline; attempt++) {
    throwIfAborted(signal);
    const info = await c.inspect();
    if (!info.State.Running) {
      throw new HakitError(
        `${node}: container exited during boot (exit ${info.State.ExitCode}); ` +
          `if many nodes run, raise fs.inotify.max_user_instances (scripts/ensure-docker.sh does)`,
        { code: 'E_SANDBOX_BOOT' },
      );
    }
    const r = await dockerExec(c, ['systemctl', 'is-system-running']);
    state = r.stdout.trim();
    if (state === 'running' || state === 'degraded') {
      const key = await dockerExec(c, ['cat', '/etc/ssh/ssh_host_ed25519_key.pub']);
      if (key.exitCode === 0 && key.stdout.startsWith('ssh-ed25519 ')) {
        if (state === 'degraded') {
          const failed = await dockerExec(c, ['systemctl', '--failed', '--no-legend', '--plain']);
          throw new HakitError(`${node}: systemd is degraded; failed units:\n${failed.stdout.trim()}`, {
            code: 'E_SANDBOX_BOOT',
          });
        }
        return key.stdout.trim();
      }
    }
    await sleep(500, signal);
  }
  throw new HakitError(
    `${node}: systemd did not finish booting in ${BOOT_TIMEOUT_MS / 1000} s (state '${state}')`,
    {
      code: 'E_SANDBOX_BOOT',
    },
  );
}

export function hostKeyBlob(pubLine: string): Buffer {
  return Buffer.from(pubLine.trim().split(/\s+/)[1] ?? '', 'base64');
}

/**
 * Creates the sandbox network on the subnet chosen for its name. Another sandbox may take that subnet at the
 * same moment; then the next free one is tried (bounded).
 */
async function createNetwork(name: string, net: string, count: number, progress: (m: string) => void) {
  const d = await docker();
  const tried: string[] = [];
  for (let attempt = 0; attempt < 5; attempt++) {
    const subnet = chooseSubnet(name, [...(await usedSubnets()), ...tried]);
    const plan = planSubnet(subnet, count);
    progress(`creating network ${net} (${subnet})`);
    try {
      await d.createNetwork({
        Name: net,
        Driver: 'bridge',
        CheckDuplicate: true,
        IPAM: { Driver: 'default', Config: [{ Subnet: subnet, Gateway: plan.gateway }] },
        Labels: { [LABEL_SANDBOX]: name },
      });
      return { subnet, plan };
    } catch (err) {
      if (!/overlap/i.test(String(err)) || name === DEFAULT_SANDBOX) throw err;
      tried.push(subnet);
    }
  }
  throw new HakitError(`could not create network ${net}: every subnet tried was taken`, {
    code: 'E_SANDBOX_SUBNET',
  });
}

/** Subnets of all existing Docker networks. */
async function usedSubnets(): Promise<string[]> {
  const d = await docker();
  const nets = await d.listNetworks();
  return nets.flatMap((n) => (n.IPAM?.Config ?? []).map((c) => c.Subnet).filter((s): s is string => !!s));
}

/** More than ~18 systemd containers exhaust the default 128 inotify instances; raise it when we may. */
async function raiseInotifyLimit(progress: (m: string) => void): Promise<void> {
  if (!existsSync(INOTIFY_FILE)) return;
  const current = Number((await readFile(INOTIFY_FILE, 'utf8')).trim());
  if (current >= INOTIFY_MIN) return;
  try {
    await writeFile(INOTIFY_FILE, `${INOTIFY_MIN}\n`);
  } catch {
    progress(
      `warning: fs.inotify.max_user_instances is ${current}; more than ~18 nodes need ` +
        `'sysctl -w fs.inotify.max_user_instances=${INOTIFY_MIN}' (as root)`,
    );
  }
}

/** The secrets the inventory references (corosync authkey, passwords): random, mode 0600, never printed. */
async function writeSecrets(dir: string): Promise<void> {
  await writeFile(join(dir, SECRET_FILES.authkey), randomBytes(256), { mode: 0o600 });
  await writeFile(join(dir, SECRET_FILES.hacluster), `${randomBytes(18).toString('base64url')}\n`, {
    mode: 0o600,
  });
  await writeFile(join(dir, SECRET_FILES.clustercheck), `${randomBytes(18).toString('base64url')}\n`, {
    mode: 0o600,
  });
}
