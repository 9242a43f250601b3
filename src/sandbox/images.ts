import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { EnvironmentError, HakitError } from '../errors/index.js';
import { abortError, docker, isNotFound, throwIfAborted } from './docker.js';
import { LABEL_IMAGE, LABEL_RECIPE } from './names.js';
import { type ImageRecipe, recipeHash, recipeTag } from './recipe.js';
import { baseRecipe, hostRecipe, pkgcacheRecipe, SUITE } from './recipes.js';

export const HOST_SOURCES_FILE = '/etc/apt/sources.list.d/debian.sources';
const DEFAULT_MIRROR = 'http://deb.debian.org/debian';
const DEFAULT_SOURCES = `Types: deb
URIs: ${DEFAULT_MIRROR}
Suites: ${SUITE} ${SUITE}-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: ${SUITE}-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
`;

export interface ImageOptions {
  /** Also build (or find) the image whose APT cache holds the cluster packages. Default true. */
  packageCache?: boolean;
  signal?: AbortSignal;
  onProgress?: (msg: string) => void;
}

export interface SandboxImages {
  base: string;
  host: string;
  pkgcache?: string;
  /** The image sandbox nodes run: pkgcache when requested, host otherwise. */
  node: string;
}

/** The mirror debootstrap uses: the first deb822 stanza of `sources` that lists the plain suite. */
export function mirrorFromSources(sources: string): string {
  for (const stanza of sources.split(/\n\s*\n/)) {
    const suites = /^Suites:\s*(.+)$/m.exec(stanza)?.[1]?.split(/\s+/) ?? [];
    const uri = /^URIs:\s*(\S+)/m.exec(stanza)?.[1];
    if (uri && suites.includes(SUITE)) return uri;
  }
  return DEFAULT_MIRROR;
}

/** The recipes of this machine (its APT sources are part of the base recipe). */
export async function sandboxRecipes(): Promise<{
  base: ImageRecipe;
  host: ImageRecipe;
  pkgcache: ImageRecipe;
}> {
  const sources = existsSync(HOST_SOURCES_FILE) ? await readFile(HOST_SOURCES_FILE, 'utf8') : DEFAULT_SOURCES;
  const base = baseRecipe(sources, mirrorFromSources(sources));
  const host = hostRecipe(base);
  return { base, host, pkgcache: pkgcacheRecipe(host) };
}

export async function imageExists(tag: string): Promise<boolean> {
  const d = await docker();
  try {
    await d.getImage(tag).inspect();
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

/** Builds whichever sandbox images are missing (each only when its recipe changed) and returns their tags. */
export async function ensureImages(opts: ImageOptions = {}): Promise<SandboxImages> {
  const progress = opts.onProgress ?? (() => {});
  const recipes = await sandboxRecipes();
  const order: ImageRecipe[] = [recipes.base, recipes.host];
  if (opts.packageCache !== false) order.push(recipes.pkgcache);
  for (const recipe of order) {
    throwIfAborted(opts.signal);
    const tag = recipeTag(recipe);
    if (await imageExists(tag)) continue;
    const started = Date.now();
    progress(`building image ${tag} (${recipe.kind}); this takes a few minutes once`);
    if (recipe.kind === 'base') await buildBase(recipe, tag, opts);
    else await buildFromDockerfile(recipe, tag, opts);
    progress(`built image ${tag} in ${Math.round((Date.now() - started) / 1000)} s`);
  }
  const images: SandboxImages = {
    base: recipeTag(recipes.base),
    host: recipeTag(recipes.host),
    node: recipeTag(opts.packageCache === false ? recipes.host : recipes.pkgcache),
  };
  if (opts.packageCache !== false) images.pkgcache = recipeTag(recipes.pkgcache);
  return images;
}

/** Passes every "important" line through and at most one chatter line per interval. */
function throttled(onProgress: (m: string) => void, intervalMs = 2000) {
  let last = 0;
  return (msg: string, important = false) => {
    const now = Date.now();
    if (important || now - last >= intervalMs) {
      last = now;
      onProgress(msg);
    }
  };
}

function run(
  cmd: string,
  args: string[],
  opts: { signal?: AbortSignal; onLine?: (line: string) => void },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const onData = (b: Buffer) => {
      for (const line of b.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        tail.push(line);
        if (tail.length > 20) tail.shift();
        opts.onLine?.(line);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const onAbort = () => child.kill('SIGTERM');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (err) => {
      opts.signal?.removeEventListener('abort', onAbort);
      reject(new EnvironmentError(`cannot run ${cmd}: ${err.message}`));
    });
    child.on('close', (code, sig) => {
      opts.signal?.removeEventListener('abort', onAbort);
      if (opts.signal?.aborted) return reject(abortError(opts.signal));
      if (code === 0) return resolve();
      reject(
        new HakitError(`${cmd} failed (exit ${code ?? sig}):\n${tail.join('\n')}`, {
          code: 'E_SANDBOX_IMAGE',
        }),
      );
    });
  });
}

function tarStream(dir: string, signal?: AbortSignal): { stream: Readable; child: ChildProcess } {
  const child = spawn('tar', ['--numeric-owner', '-C', dir, '-c', '.'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const onAbort = () => child.kill('SIGTERM');
  signal?.addEventListener('abort', onAbort, { once: true });
  child.on('close', () => signal?.removeEventListener('abort', onAbort));
  return { stream: child.stdout!, child };
}

/** Follows a Docker JSON progress stream; rejects on an `error` message. */
async function follow(
  stream: NodeJS.ReadableStream,
  onEvent: (e: { stream?: string; status?: string }) => void,
  signal?: AbortSignal,
): Promise<void> {
  const d = await docker();
  await new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      (stream as Readable).destroy?.();
      reject(abortError(signal!));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    d.modem.followProgress(
      stream,
      (err: Error | null, output: Array<{ error?: string }>) => {
        signal?.removeEventListener('abort', onAbort);
        if (signal?.aborted) return;
        const failed = output?.find((o) => o.error);
        if (err) reject(err);
        else if (failed)
          reject(new HakitError(`image build failed: ${failed.error}`, { code: 'E_SANDBOX_IMAGE' }));
        else resolve();
      },
      (e: { stream?: string; status?: string; error?: string }) => onEvent(e),
    );
  });
}

async function buildBase(recipe: ImageRecipe, tag: string, opts: ImageOptions): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new EnvironmentError(
      `building the sandbox base image ${tag} needs root (debootstrap); run as root once`,
    );
  }
  const say = throttled(opts.onProgress ?? (() => {}));
  const work = await mkdtemp(join(tmpdir(), 'hakit-debootstrap-'));
  const root = join(work, 'root');
  try {
    const sources = recipe.files['debian.sources']!;
    const mirror = mirrorFromSources(sources);
    say(`debootstrap --variant=minbase ${SUITE} from ${mirror}`, true);
    await run('debootstrap', ['--variant=minbase', SUITE, root, mirror], {
      ...(opts.signal ? { signal: opts.signal } : {}),
      onLine: (line) => say(`debootstrap: ${line}`),
    }).catch((err: unknown) => {
      if (err instanceof EnvironmentError) {
        throw new EnvironmentError(
          `debootstrap is missing: install it (apt-get install -y debootstrap) or run scripts/ensure-docker.sh`,
        );
      }
      throw err;
    });
    await mkdir(join(root, 'etc/apt/sources.list.d'), { recursive: true });
    await writeFile(join(root, 'etc/apt/sources.list.d/debian.sources'), sources);
    await rm(join(root, 'etc/apt/sources.list'), { force: true });
    await rm(join(root, 'var/cache/apt/archives'), { recursive: true, force: true });
    await mkdir(join(root, 'var/cache/apt/archives/partial'), { recursive: true });
    await rm(join(root, 'var/lib/apt/lists'), { recursive: true, force: true });
    await mkdir(join(root, 'var/lib/apt/lists/partial'), { recursive: true });
    throwIfAborted(opts.signal);
    say(`importing ${tag}`, true);
    const d = await docker();
    const [repo, version] = tag.split(':') as [string, string];
    const { stream: tar } = tarStream(root, opts.signal);
    const res = await d.importImage(tar, {
      repo,
      tag: version,
      changes: [`LABEL ${LABEL_IMAGE}=base ${LABEL_RECIPE}=${recipeHash(recipe)}`, 'CMD ["/bin/bash"]'],
    } as object);
    await follow(res, () => {}, opts.signal);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function buildFromDockerfile(recipe: ImageRecipe, tag: string, opts: ImageOptions): Promise<void> {
  const say = throttled(opts.onProgress ?? (() => {}));
  const ctx = await mkdtemp(join(tmpdir(), 'hakit-image-'));
  try {
    for (const [name, content] of Object.entries(recipe.files)) await writeFile(join(ctx, name), content);
    const d = await docker();
    const { stream: tar } = tarStream(ctx, opts.signal);
    const res = await d.buildImage(tar, {
      t: tag,
      rm: true,
      forcerm: true,
      labels: { [LABEL_IMAGE]: recipe.kind, [LABEL_RECIPE]: recipeHash(recipe) },
    });
    await follow(
      res,
      (e) => {
        const line = (e.stream ?? e.status ?? '').trim();
        if (line) say(`${recipe.kind}: ${line}`, /^Step \d+\/\d+/.test(line));
      },
      opts.signal,
    );
  } finally {
    await rm(ctx, { recursive: true, force: true });
  }
}
