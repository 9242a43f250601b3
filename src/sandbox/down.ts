import { rm } from 'node:fs/promises';
import { docker, isNotFound } from './docker.js';
import { checkSandboxName, DEFAULT_SANDBOX, LABEL_SANDBOX, networkName, sandboxDir } from './names.js';

/** Removes everything a sandbox owns: its labelled containers, its network(s) and its state dir (keys included). */
export async function sandboxDown(
  name: string = DEFAULT_SANDBOX,
  opts: { cwd?: string } = {},
): Promise<void> {
  checkSandboxName(name);
  await removeSandboxResources(name, sandboxDir(name, opts.cwd));
}

export async function removeSandboxResources(name: string, dir: string): Promise<void> {
  const d = await docker();
  const containers = await d.listContainers({ all: true, filters: { label: [`${LABEL_SANDBOX}=${name}`] } });
  await Promise.all(
    containers.map(async (c) => {
      try {
        await d.getContainer(c.Id).remove({ force: true, v: true });
      } catch (err) {
        if (!isNotFound(err) && !String(err).includes('already in progress')) throw err;
      }
    }),
  );
  const networks = await d.listNetworks({ filters: { label: [`${LABEL_SANDBOX}=${name}`] } });
  const names = new Set([...networks.map((n) => n.Name), networkName(name)]);
  for (const n of names) {
    try {
      const info = (await d.getNetwork(n).inspect()) as { Labels?: Record<string, string> };
      // Only remove a network of that name if this sandbox labelled it.
      if (info.Labels?.[LABEL_SANDBOX] !== name) continue;
      await d.getNetwork(n).remove();
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  await rm(dir, { recursive: true, force: true });
}
