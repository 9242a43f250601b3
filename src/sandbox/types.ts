export interface SandboxNode {
  name: string;
  address: string;
  containerId: string;
  containerName: string;
}

export interface Sandbox {
  name: string;
  nodes: SandboxNode[];
  network: { name: string; subnet: string; gateway: string };
  /** State dir: `<cwd>/.hakit/sandbox/<name>`. */
  dir: string;
  /** `<dir>/id_ed25519` (private key, mode 0600); the public key is `<keyPath>.pub`. */
  keyPath: string;
  /** `<dir>/known_hosts`: each node's real host key (read from the container), by address. */
  knownHostsPath: string;
  /** `<dir>/inventory.yaml`, generated. */
  inventoryPath: string;
  /** An address in the subnet reserved for a VIP (never given to a node). */
  vip: string;
  /**
   * The fencing proxy fence_docker on the nodes talks to (mutual TLS; client certificate in
   * /etc/hakit/fence on every node), or null when fencing could not be set up.
   */
  fence?: { ip: string; port: number } | null;
}

export interface SandboxUpOptions {
  name?: string;
  nodes?: number;
  /** Where `.hakit/sandbox/<name>` is created. Default: process.cwd(). */
  cwd?: string;
  /** Run nodes from the image whose APT cache already holds the cluster packages. Default true. */
  packageCache?: boolean;
  /** Start the fencing proxy so Pacemaker can fence nodes with fence_docker. Default true. */
  fencing?: boolean;
  /** Aborting stops `up` and removes whatever it created. */
  signal?: AbortSignal;
  /** Progress lines (image builds, container starts); core code never prints. */
  onProgress?: (msg: string) => void;
}

export type NodeState = 'running' | 'paused' | 'exited' | 'created' | 'restarting' | 'dead' | 'missing';

export interface SandboxNodeStatus {
  name: string;
  address: string | null;
  containerName: string;
  containerId: string | null;
  state: NodeState;
  /** False when the node's container is not attached to the sandbox network (isolated). */
  connected: boolean;
}

export interface SandboxStatus {
  name: string;
  /** True when the state dir, the network or any container exists. */
  exists: boolean;
  dir: string;
  network: { name: string; subnet: string | null; exists: boolean };
  nodes: SandboxNodeStatus[];
  vip: string | null;
}
