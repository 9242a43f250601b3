import {
  crashNode,
  healNode,
  isolateNode,
  nodeAddresses,
  type Sandbox,
  startNode,
} from '../sandbox/index.js';
import type { Fault, FaultBackend } from './fault.js';

const NODE_BOOT_TIMEOUT_MS = 180_000;

/** Faults on sandbox nodes, done from outside the node through the Docker Engine (the node cannot undo them). */
export function sandboxFaults(sb: Sandbox): FaultBackend {
  const ensureUp = (node: string) => startNode(sb, node, { timeoutMs: NODE_BOOT_TIMEOUT_MS });
  return {
    kind: 'sandbox',
    crash: (node): Fault => ({
      describe: () => `power cut of ${node} (docker kill -s KILL)`,
      destructive: false,
      inject: () => crashNode(sb, node),
      heal: () => ensureUp(node),
    }),
    partition: (node): Fault => ({
      describe: () => `${node} cut off the sandbox network (docker network disconnect)`,
      destructive: false,
      inject: () => isolateNode(sb, node),
      async heal() {
        await healNode(sb, node);
        // Fenced while cut off, it may be booting still.
        await ensureUp(node);
      },
    }),
    ensureUp,
    async addresses(node, timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<null>((r) => {
        timer = setTimeout(() => r(null), timeoutMs);
      });
      try {
        return await Promise.race([nodeAddresses(sb, node).catch(() => null), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
