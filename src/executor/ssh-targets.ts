import type { SshTarget } from '../connect/target.js';
import type { LoadedInventory } from '../inventory/index.js';
import { type InventoryNode, primaryAddress, type SecretMasker } from '../model/index.js';
import type { HostUniverse } from '../playbook/hosts.js';

type SshSettings = NonNullable<InventoryNode['ssh']>;
type JumpSettings = NonNullable<SshSettings['jump']>;

export interface TargetOptions {
  /** Trust on first use: record unknown host keys (a changed key is still refused). */
  acceptNewHostKeys?: boolean;
}

/**
 * The SSH target of a node: the node's `ssh` over `defaults.ssh`; paths relative to the inventory; secrets
 * resolved now and registered with the masker (so they never reach output).
 */
export function sshTargetFor(
  loaded: LoadedInventory,
  node: InventoryNode,
  masker: SecretMasker,
  opts: TargetOptions = {},
): SshTarget {
  const d = loaded.inventory.defaults.ssh ?? {};
  const n = node.ssh ?? {};
  const merged: SshSettings = { ...d, ...n };
  const t = common(loaded, merged, masker, opts);
  const become = merged.become;
  return {
    host: node.name,
    hostname: n.host ?? primaryAddress(node),
    ...t,
    ...(become === false
      ? { become: false }
      : become
        ? {
            become: {
              method: 'sudo',
              ...(become.password ? { password: loaded.secret(become.password, masker) } : {}),
            },
          }
        : {}),
    ...(merged.jump ? { jump: jumpTarget(loaded, merged.jump, masker, opts) } : {}),
  };
}

function jumpTarget(
  loaded: LoadedInventory,
  j: JumpSettings,
  masker: SecretMasker,
  opts: TargetOptions,
): SshTarget {
  return { host: `jump:${j.host}`, hostname: j.host, ...common(loaded, j, masker, opts) };
}

function common(
  loaded: LoadedInventory,
  s: Omit<SshSettings, 'host' | 'become' | 'jump'>,
  masker: SecretMasker,
  opts: TargetOptions,
): Omit<SshTarget, 'host' | 'hostname'> {
  return {
    ...(s.port !== undefined ? { port: s.port } : {}),
    ...(s.user !== undefined ? { user: s.user } : {}),
    ...(s.key_file !== undefined ? { keyFile: loaded.path(s.key_file) } : {}),
    ...(s.key_passphrase !== undefined ? { passphrase: loaded.secret(s.key_passphrase, masker) } : {}),
    ...(s.agent !== undefined ? { agent: s.agent } : {}),
    ...(s.password !== undefined ? { password: loaded.secret(s.password, masker) } : {}),
    ...(s.known_hosts !== undefined ? { knownHostsFile: loaded.path(s.known_hosts) } : {}),
    ...(s.host_keys !== undefined ? { pinnedFingerprints: s.host_keys } : {}),
    ...(s.connect_timeout !== undefined ? { connectTimeoutMs: s.connect_timeout * 1000 } : {}),
    ...(opts.acceptNewHostKeys ? { acceptNewHostKeys: true } : {}),
  };
}

/** Nodes and groups of the inventory as playbook targets. */
export function hostUniverse(loaded: LoadedInventory): HostUniverse {
  const inv = loaded.inventory;
  return {
    nodes: inv.nodes.map((n) => ({
      name: n.name,
      address: primaryAddress(n),
      roles: [...n.roles],
      attributes: { ...(n.attributes ?? {}) },
    })),
    groups: inv.groups,
  };
}
