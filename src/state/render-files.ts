import type { LoadedInventory } from '../inventory/index.js';
import { layoutFor } from '../render/layout.js';
import type { TemplateSet } from '../render/template-set.js';
import type { RenderedFile, RenderOptions } from '../render/types.js';
import { desiredState } from './desired.js';

/**
 * Renders every configuration file of every node (or of `opts.nodes`), in the layout the inventory names
 * (`auto` → Debian). Deterministic: the same inventory gives the same files in the same order with the same bytes.
 * In `mask` mode no secret is resolved at all. The bytes come from `desiredState`, the same function `run` uses.
 */
export function renderNodeFiles(
  loaded: LoadedInventory,
  opts: RenderOptions,
  templates?: TemplateSet,
): RenderedFile[] {
  const inv = loaded.inventory;
  const layout = layoutFor(inv);
  const wanted = opts.nodes ? new Set(opts.nodes) : null;
  return inv.nodes
    .filter((n) => !wanted || wanted.has(n.name))
    .flatMap(
      (node) =>
        desiredState(loaded, node, {
          layout,
          secrets: opts.secrets,
          ...(opts.masker ? { masker: opts.masker } : {}),
          ...(templates ? { templates } : {}),
        }).files,
    );
}
