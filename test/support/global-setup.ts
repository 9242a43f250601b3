import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ensureImages, listSandboxes, sandboxDown } from '../../src/sandbox/index.js';
import { TEST_SANDBOX_PREFIX } from './sandbox-fixture.js';

/**
 * vitest globalSetup of the `integration` project: a Docker engine must answer (scripts/ensure-docker.sh
 * installs and starts one when it can), the sandbox images are built once, and sandboxes left by test
 * processes that no longer exist are removed. Fails loudly when Docker cannot be had: integration tests
 * never skip.
 */
export default async function setup(): Promise<void> {
  const script = fileURLToPath(new URL('../../scripts/ensure-docker.sh', import.meta.url));
  const r = spawnSync('bash', [script], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    throw new Error(
      `integration tests need a Docker engine: ${script} failed (exit ${r.status ?? r.signal}); see its message above`,
    );
  }
  const started = Date.now();
  const images = await ensureImages({
    packageCache: true,
    onProgress: (m) => process.stderr.write(`[sandbox images] ${m}\n`),
  });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  process.stderr.write(`[sandbox images] ready in ${secs} s: ${images.node}\n`);
  await removeOrphanTestSandboxes();
}

/** Test sandboxes are named `<prefix><pid>-...`: remove those whose process is gone (a killed test run). */
async function removeOrphanTestSandboxes(): Promise<void> {
  const re = new RegExp(`^${TEST_SANDBOX_PREFIX}(\\d+)-`);
  for (const name of await listSandboxes()) {
    const pid = Number(re.exec(name)?.[1]);
    if (!pid || pidAlive(pid)) continue;
    process.stderr.write(`[sandbox] removing orphan test sandbox '${name}' (process ${pid} is gone)\n`);
    await sandboxDown(name);
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
