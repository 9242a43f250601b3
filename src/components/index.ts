import type { AnyOperation } from '../ops/types.js';
import { chrony } from './chrony/index.js';
import { chronyWaitSyncOp } from './chrony/wait-sync-op.js';
import { corosync } from './corosync/index.js';
import { corosyncResetDefaultOp, corosyncWaitQuorumOp } from './corosync/ops.js';
import { drbd } from './drbd/index.js';
import { drbdInitialPrimaryOp, drbdInitOp } from './drbd/ops.js';
import { galeraArbitratorOp } from './galera/garbd.js';
import { galera } from './galera/index.js';
import { galeraBootstrapOp, galeraJoinOp, galeraRecoverOp, galeraUsersOp } from './galera/ops.js';
import { galeraRestartOp } from './galera/restart-op.js';
import { haproxy } from './haproxy/index.js';
import { firewallOp } from './host-prep/firewall-op.js';
import { selinuxPolicyOp } from './host-prep/selinux-policy-op.js';
import { sshRootKeyOp, sshTrustOp } from './host-prep/ssh-trust-op.js';
import { hosts } from './hosts/index.js';
import { keepalived } from './keepalived/index.js';
import { pacemakerCibOp } from './pacemaker/cib-op.js';
import { pacemakerFirstCibOp } from './pacemaker/first-cib-op.js';
import { haRepositoryOp } from './pacemaker/ha-repository-op.js';
import { pacemaker } from './pacemaker/index.js';
import type { Component } from './types.js';

/** Every component, in the order their files are listed (deterministic output). */
export const COMPONENTS: readonly Component[] = [
  corosync,
  pacemaker,
  haproxy,
  galera,
  drbd,
  keepalived,
  chrony,
  hosts,
];

export { COMPONENT_CHECKS, type ComponentChecks, semanticChecks } from './inventory-checks.js';
export { type Inventory, type InventoryInput, inventorySchema } from './inventory-schema.js';
export type {
  Component,
  ComponentContext,
  FileSpec,
  FirewallNeed,
  InventorySecrets,
  SelinuxBooleanNeed,
  SelinuxNeeds,
  SelinuxPortNeed,
} from './types.js';

/** The components' cluster operations (playbooks call them by name). */
export const COMPONENT_OPS: readonly AnyOperation[] = [
  chronyWaitSyncOp,
  corosyncResetDefaultOp,
  corosyncWaitQuorumOp,
  pacemakerFirstCibOp,
  pacemakerCibOp,
  haRepositoryOp,
  selinuxPolicyOp,
  firewallOp,
  sshRootKeyOp,
  sshTrustOp,
  galeraRecoverOp,
  galeraBootstrapOp,
  galeraJoinOp,
  galeraUsersOp,
  galeraRestartOp,
  galeraArbitratorOp,
  drbdInitOp,
  drbdInitialPrimaryOp,
];
