/**
 * A fault a drill injects, and the way back. Two implementations: the sandbox (Docker kill / network disconnect
 * through src/sandbox's fault API) and SSH for real hosts (systemctl kill, nft rules that remove themselves).
 */
export interface Fault {
  /** What it does, for the operator: "power cut of node2 (docker kill)". */
  describe(): string;
  /** Cannot be undone by hakit itself (a hard reset of a real host): needs `--destructive`. */
  readonly destructive: boolean;
  inject(): Promise<void>;
  /** Undoes the fault; idempotent, and harmless when the fault was never (or only partly) injected. */
  heal(): Promise<void>;
}

/** The result of a command on a host: exitCode null when it timed out or the host could not be reached. */
export interface HostResult {
  exitCode: number | null;
  /** The host could not be reached (exitCode null). */
  unreachable?: boolean;
  stdout: string;
  stderr: string;
}

/** Runs one command on a host as root (over SSH); never throws for the host (an unreachable host: exitCode null). */
export type HostExec = (
  host: string,
  command: string,
  opts?: { timeoutMs?: number; stdin?: string },
) => Promise<HostResult>;

/** The faults that differ between the sandbox and real hosts. */
export interface FaultBackend {
  readonly kind: 'sandbox' | 'ssh';
  /** A power cut of `node`. */
  crash(node: string): Fault;
  /** `node` cut off from `peers` (every cluster address of theirs), for at most `boundMs` on real hosts. */
  partition(node: string, peers: { name: string; addresses: string[] }[], boundMs: number): Fault;
  /** Brings a node fenced or crashed back (when the fence device does not) and waits until it answers. */
  ensureUp(node: string): Promise<void>;
  /**
   * The node's IP addresses (who holds the VIP), even while it is cut off when the backend can (sandbox: read from
   * outside the container); null when the node cannot be read.
   */
  addresses(node: string, timeoutMs: number): Promise<string[] | null>;
}
