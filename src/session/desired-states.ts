import { InputError } from '../errors/index.js';
import type { LoadedInventory } from '../inventory/index.js';
import type { SecretMasker } from '../model/index.js';
import { DEBIAN_LAYOUT, type Layout, RHEL_LAYOUT } from '../render/layout.js';
import { type DesiredState, desiredState } from '../state/desired.js';

/** The file layout of a host, from its package manager fact (dnf/yum hosts get the RHEL paths). */
export function layoutOfFacts(facts: Record<string, unknown>): Layout {
  return facts.package_manager === 'dnf' || facts.package_manager === 'yum' ? RHEL_LAYOUT : DEBIAN_LAYOUT;
}

/** Desired states of a session's hosts, each computed once per host and layout. */
export interface DesiredStates {
  get(host: string, facts: Record<string, unknown>): DesiredState;
}

/**
 * One desired state per host and layout, computed on first use; secrets are revealed into it and registered
 * with the masker, so nothing that leaves hakit shows them.
 */
export function desiredStates(
  loaded: LoadedInventory,
  masker: SecretMasker,
  opts: { authkey?: () => Buffer } = {},
): DesiredStates {
  const states = new Map<string, DesiredState>();
  return {
    get(host, facts) {
      const layout = layoutOfFacts(facts);
      const key = `${host}\0${layout.family}`;
      let st = states.get(key);
      if (!st) {
        const node = loaded.inventory.nodes.find((n) => n.name === host);
        if (!node) throw new InputError(`${host} is not a node of the inventory`);
        st = desiredState(loaded, node, {
          layout,
          secrets: 'reveal',
          masker,
          ...(opts.authkey ? { authkey: opts.authkey } : {}),
        });
        states.set(key, st);
      }
      return st;
    },
  };
}
