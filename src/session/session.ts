import { hostname, userInfo } from 'node:os';
import { chooseAuthkey, readMemberKeys } from '../components/corosync/authkey.js';
import { ConnectionPool } from '../connect/pool.js';
import type { SshConnector } from '../connect/ssh-connector.js';
import type { SshTarget } from '../connect/target.js';
import { HakitError, InputError } from '../errors/index.js';
import { hostUniverse, sshTargetFor } from '../executor/ssh-targets.js';
import type { Inventory, LoadedInventory } from '../inventory/index.js';
import { clusterNodes, SecretMasker } from '../model/index.js';
import { createRenderer, type OutputMode, type Renderer, type Writable } from '../output/index.js';
import type { HostUniverse } from '../playbook/hosts.js';
import type { Layout } from '../render/layout.js';
import type { DesiredState } from '../state/desired.js';
import { desiredStates, layoutOfFacts } from './desired-states.js';
import { type HostLocks, lockHosts } from './host-lock.js';
import { wireInterrupt } from './interrupt.js';

export interface SessionOptions {
  /** Where output goes (default stdout). */
  out?: Writable;
  output?: OutputMode;
  /** Trust and record host keys seen for the first time (a changed key is still refused). */
  acceptNewHostKeys?: boolean;
  /** Extra abort signal (tests); Ctrl-C is always wired. */
  signal?: AbortSignal;
  /** A masker to use (default: a new one); every secret the session resolves is registered with it. */
  masker?: SecretMasker;
}

/**
 * What every command that talks to the hosts of an inventory shares (run, bootstrap, verify, the bench): the
 * SSH targets (host keys checked), one connection per host, the masker every secret is registered with, Ctrl-C,
 * the renderer, the desired state per host and the host lock. `close()` releases everything.
 */
export interface Session {
  readonly loaded: LoadedInventory;
  readonly inventory: Inventory;
  readonly universe: HostUniverse;
  readonly masker: SecretMasker;
  readonly renderer: Renderer;
  /** Aborts on the first Ctrl-C (or the external signal). */
  readonly signal: AbortSignal;
  connector(host: string): SshConnector;
  /** The host's desired state (secrets revealed, registered with the masker), computed once. */
  desired(host: string, facts: Record<string, unknown>): DesiredState;
  layoutOf(facts: Record<string, unknown>): Layout;
  /**
   * When the inventory names no corosync authkey: ask every cluster member for the key they share (or generate
   * one for a first bootstrap), so each member's desired state carries the same bytes. Call after preflight.
   */
  resolveAuthkey(): Promise<void>;
  /** Lock the hosts against a concurrent hakit run (released by `close()` at the latest). */
  lock(hosts: readonly string[], what: string): Promise<HostLocks>;
  close(): Promise<void>;
}

export function openSession(loaded: LoadedInventory, o: SessionOptions = {}): Session {
  const masker = o.masker ?? new SecretMasker();
  const inventory = loaded.inventory;
  const targets = new Map<string, SshTarget>();
  for (const node of inventory.nodes)
    targets.set(
      node.name,
      sshTargetFor(loaded, node, masker, { acceptNewHostKeys: o.acceptNewHostKeys ?? false }),
    );
  const pool = new ConnectionPool();
  const renderer = createRenderer(o.output, o.out ?? process.stdout);
  const interrupt = wireInterrupt(() => void pool.closeAll(), o.signal);
  let clusterKey: Buffer | undefined;
  const states = desiredStates(
    loaded,
    masker,
    inventory.cluster.authkey
      ? {}
      : {
          authkey: () => {
            if (!clusterKey)
              throw new HakitError('the cluster authkey was not resolved before it was needed', {
                code: 'E_AUTHKEY',
              });
            return clusterKey;
          },
        },
  );
  const locks: HostLocks[] = [];
  const connector = (host: string): SshConnector => {
    const t = targets.get(host);
    if (!t) throw new InputError(`no SSH target for ${host}`);
    return pool.get(t);
  };
  return {
    loaded,
    inventory,
    universe: hostUniverse(loaded),
    masker,
    renderer,
    signal: interrupt.signal,
    connector,
    desired: (host, facts) => states.get(host, facts),
    layoutOf: layoutOfFacts,
    async resolveAuthkey() {
      if (inventory.cluster.authkey || clusterKey) return;
      const members = clusterNodes(inventory).map((n) => connector(n.name));
      if (!members.length) return;
      clusterKey = chooseAuthkey(await readMemberKeys(members));
      masker.add(clusterKey.toString('base64'));
    },
    async lock(hosts, what) {
      const owner = `${what} by ${userInfo().username}@${hostname()} (pid ${process.pid}) since ${new Date().toISOString()}`;
      const l = await lockHosts(
        hosts.map((h) => connector(h)),
        owner,
      );
      locks.push(l);
      return l;
    },
    async close() {
      interrupt.dispose();
      for (const l of locks.splice(0)) await l.release();
      await renderer.close();
      await pool.closeAll();
    },
  };
}
