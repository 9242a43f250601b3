import type { InventoryNode, SecretRef } from '../model/index.js';
import type { Layout } from '../render/layout.js';
import type { FileKind } from '../render/types.js';
import type { Inventory } from './inventory-schema.js';

/** What components read from the loaded inventory (src/inventory's LoadedInventory) besides the model. */
export interface InventorySecrets {
  /** Reads a binary secret (the corosync authkey) from its reference. */
  secretBytes(ref: SecretRef): Buffer;
}

/** What a component decides for one node: which files it gets (with path, mode, owner, validator). */
export interface ComponentContext {
  loaded: InventorySecrets;
  inv: Inventory;
  node: InventoryNode;
  layout: Layout;
  /**
   * The cluster's corosync authkey when the inventory names none: the key the members share, or one generated
   * for the first bootstrap (see corosync/authkey.ts). Absent where no host was asked (render, check).
   */
  authkey?: () => Buffer;
}

/**
 * One file a component puts on a node. Its content comes from a template and a view, or (binary files such as
 * the corosync authkey) from `bytes`.
 */
export interface FileSpec {
  /** Name playbooks use (`config_file: {file: corosync}`); unique per node. */
  id: string;
  kind: FileKind;
  path: string;
  template?: string;
  view?: unknown;
  /** Binary content (reveal mode only; the rendered view shows a mask). Such a file is always sensitive. */
  bytes?: () => Buffer;
  mode: number;
  /** Mode when a secret ends up inside (default: same as mode). */
  sensitiveMode?: number;
  owner?: string;
  group?: string;
  sensitiveGroup?: string;
  /** On-host check of the new file before it replaces the live one; `%s` is the temp file. */
  validate?: string;
  block?: { begin: string; end: string };
}

/**
 * A TCP port a daemon of the component binds on a node, and the SELinux port type it must carry there
 * (RHEL-like hosts; see host-prep/selinux-needs.ts).
 */
export interface SelinuxPortNeed {
  port: number;
  proto: 'tcp' | 'udp';
  /** e.g. `mysqld_port_t`, `http_port_t`. */
  type: string;
  /** Who binds it, for summaries and comments, e.g. "Galera IST". */
  why: string;
  /**
   * The daemon may also bind it through one of the component's booleans (HAProxy: `haproxy_connect_any`): the
   * label is then only added on a port no other service's type claims, and a stronger need for the same port wins.
   */
  weak?: boolean;
}

/** An SELinux boolean a component's daemons need on a node. */
export interface SelinuxBooleanNeed {
  name: string;
  value: boolean;
  why: string;
}

/** What SELinux must allow for a component's daemons on one node. */
export interface SelinuxNeeds {
  ports: SelinuxPortNeed[];
  booleans: SelinuxBooleanNeed[];
}

/**
 * Traffic a component's daemons on a node must receive through the host firewall (`host_prep.firewall: manage`;
 * see host-prep/firewall-needs.ts). `vrrp` is IP protocol 112 (no port).
 */
export interface FirewallNeed {
  proto: 'tcp' | 'udp' | 'vrrp';
  /** Absent for vrrp. */
  port?: number;
  /** Who may send it: `any` (a public listener), or the addresses of the cluster nodes that talk to it. */
  from: 'any' | string[];
  /** Who listens, for summaries and rule comments, e.g. "corosync link 0". */
  why: string;
}

/** An HA component: the files it gives a node and the packages it needs per package family. */
export interface Component {
  name: string;
  files(ctx: ComponentContext): FileSpec[];
  packages(ctx: ComponentContext): string[];
  /** Ports to label and booleans to set where the node runs SELinux (absent: nothing). */
  selinux?(ctx: ComponentContext): SelinuxNeeds;
  /** Traffic the host firewall must let in for the component's daemons on the node (absent: none). */
  firewall?(ctx: ComponentContext): FirewallNeed[];
}
