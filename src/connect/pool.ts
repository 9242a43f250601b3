import { SshConnector } from './ssh-connector.js';
import type { SshTarget } from './target.js';

/**
 * One connection per host for the whole run. Keyed by the inventory node name (`target.host`): the first
 * target given for a name wins. A target's `jump` is itself taken from the pool, so a bastion used by
 * several nodes is one connection too.
 */
export class ConnectionPool {
  private readonly conns = new Map<string, SshConnector>();
  private readonly order: SshConnector[] = [];

  get(target: SshTarget): SshConnector {
    const existing = this.conns.get(target.host);
    if (existing) return existing;
    const jump = target.jump ? this.get(target.jump) : undefined;
    const c = jump ? new SshConnector(target, { jump }) : new SshConnector(target);
    this.conns.set(target.host, c);
    this.order.push(c);
    return c;
  }

  has(host: string): boolean {
    return this.conns.has(host);
  }

  /** All connectors created so far, in creation order. */
  list(): SshConnector[] {
    return [...this.order];
  }

  /** Close every connection, targets before the jump hosts they go through. Never throws. */
  async closeAll(): Promise<void> {
    const all = [...this.order].reverse();
    this.conns.clear();
    this.order.length = 0;
    for (const c of all) {
      try {
        await c.close();
      } catch {
        // closing is best effort
      }
    }
  }
}
