export { sandboxDown } from './down.js';
export {
  crashNode,
  execInNode,
  freezeNode,
  healNode,
  isolateNode,
  nodeAddresses,
  nodeRunning,
  restartNode,
  startNode,
  thawNode,
  waitForNodeSsh,
} from './faults.js';
export { ensureImages, type ImageOptions, type SandboxImages, sandboxRecipes } from './images.js';
export { type FencingEndpoint, inventoryObject, renderInventory } from './inventory.js';
export {
  containerName,
  DEFAULT_NODES,
  DEFAULT_SANDBOX,
  LABEL_NODE,
  LABEL_SANDBOX,
  MAX_NODES,
  networkName,
  sandboxDir,
} from './names.js';
export { type ImageRecipe, recipeHash, recipeTag } from './recipe.js';
export { sandboxSshArgs } from './ssh-args.js';
export { loadSandbox, loadSandboxAt } from './state.js';
export { listSandboxes, sandboxStatus } from './status.js';
export { chooseSubnet, planSubnet } from './subnet.js';
export type {
  NodeState,
  Sandbox,
  SandboxNode,
  SandboxNodeStatus,
  SandboxStatus,
  SandboxUpOptions,
} from './types.js';
export { sandboxUp } from './up.js';
