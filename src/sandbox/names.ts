import { join } from 'node:path';
import { InputError } from '../errors/index.js';

/** Label keys carried by every container and network a sandbox creates. */
export const LABEL_SANDBOX = 'io.hakit.sandbox';
export const LABEL_NODE = 'io.hakit.node';
export const LABEL_IMAGE = 'io.hakit.image';
export const LABEL_RECIPE = 'io.hakit.recipe';

export const DEFAULT_SANDBOX = 'default';
export const DEFAULT_NODES = 3;
export const MAX_NODES = 30;

const NAME_RE = /^[a-z0-9][a-z0-9-]{0,39}$/;

/** Sandbox names become parts of Docker object names and paths: lower-case letters, digits and dashes. */
export function checkSandboxName(name: string): string {
  if (!NAME_RE.test(name)) {
    throw new InputError(
      `invalid sandbox name '${name}': use 1-40 lower-case letters, digits or dashes, starting with a letter or digit`,
    );
  }
  return name;
}

export function checkNodeCount(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > MAX_NODES) {
    throw new InputError(`invalid node count ${n}: a sandbox has 1 to ${MAX_NODES} nodes`);
  }
  return n;
}

export function nodeName(index: number): string {
  return `node${index + 1}`;
}

export function networkName(sandbox: string): string {
  return `hakit-${sandbox}`;
}

export function containerName(sandbox: string, node: string): string {
  return `hakit-${sandbox}-${node}`;
}

/** The state directory of a sandbox: `<cwd>/.hakit/sandbox/<name>`. */
export function sandboxDir(sandbox: string, cwd: string = process.cwd()): string {
  return join(cwd, '.hakit', 'sandbox', sandbox);
}
