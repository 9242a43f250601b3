import { colorWanted } from './format.js';
import { JsonRenderer } from './json.js';
import { PlainRenderer } from './plain.js';
import { TtyRenderer } from './tty.js';
import type { OutputMode, Renderer, Writable } from './types.js';

export { JsonRenderer } from './json.js';
export { PlainRenderer } from './plain.js';
export { TtyRenderer } from './tty.js';
export type { OutputMode, Renderer, Writable } from './types.js';

/**
 * Picks the renderer: `json` → JSON lines; `plain`, or no TTY → timestamped lines; else listr2.
 * Colour follows NO_COLOR and whether the stream is a TTY.
 */
export function createRenderer(
  mode: OutputMode | undefined,
  out: Writable = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): Renderer {
  if (mode === 'json') return new JsonRenderer(out);
  const color = colorWanted(out, env);
  if (mode === 'plain' || out.isTTY !== true) return new PlainRenderer(out, color);
  return new TtyRenderer(out, color);
}
