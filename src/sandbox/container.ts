import { GenericContainer } from 'testcontainers';
import { LABEL_NODE, LABEL_SANDBOX } from './names.js';

/** Capabilities a systemd + cluster host needs; `--privileged` fails on these machines. */
export const NODE_CAPABILITIES = ['SYS_ADMIN', 'NET_ADMIN', 'NET_RAW', 'SYS_NICE', 'IPC_LOCK'];

export interface NodeContainerSpec {
  image: string;
  sandbox: string;
  node: string;
  containerName: string;
  network: string;
  address: string;
  /** Contents of /etc/ssh/authorized_keys/{root,hakit}. */
  authorizedKey: string;
  /** More files to place before boot (e.g. the fencing client certificate). */
  extraFiles?: Array<{ content: string; target: string; mode: number }>;
}

/** A GenericContainer with a fixed address on a user-defined network (testcontainers has no builder for it). */
class NodeContainer extends GenericContainer {
  withFixedAddress(network: string, address: string, aliases: string[]): this {
    this.withNetworkMode(network);
    this.createOpts.NetworkingConfig = {
      EndpointsConfig: { [network]: { IPAMConfig: { IPv4Address: address }, Aliases: aliases } },
    };
    return this;
  }

  /** Namespaced kernel settings fixed at creation (/proc/sys is read-only inside the container afterwards). */
  withSysctls(values: Record<string, string>): this {
    this.hostConfig.Sysctls = { ...(this.hostConfig.Sysctls ?? {}), ...values };
    return this;
  }
}

/**
 * Set when each node is created: HAProxy on every node binds the VIP, which only one node holds at a time
 * (a real host gets the same setting from the haproxy playbook's sysctl task).
 */
export const NODE_SYSCTLS = { 'net.ipv4.ip_nonlocal_bind': '1' };

/**
 * /dev/shm of a node. Docker's default (64 MiB) is too small for a cluster node: corosync and Pacemaker keep a
 * libqb shared-memory ring per IPC connection, and with the daemons' own connections (33–48 MiB used on a
 * bootstrapped node) a few tools at once (what `hakit verify` reads) got "Could not initialize corosync cmap API
 * error 15" (CS_ERR_NO_SPACE) or "Cannot initialise CFG service". A real host's /dev/shm is half its RAM.
 */
export const NODE_SHM_BYTES = 512 * 1024 * 1024;

/** Creates and starts one sandbox node: systemd as PID 1, hostname = node name, labelled, fixed address. */
export async function startNodeContainer(spec: NodeContainerSpec): Promise<string> {
  const started = await new NodeContainer(spec.image)
    .withName(spec.containerName)
    .withHostname(spec.node)
    .withLabels({ [LABEL_SANDBOX]: spec.sandbox, [LABEL_NODE]: spec.node })
    .withFixedAddress(spec.network, spec.address, [spec.node])
    .withAddedCapabilities(...NODE_CAPABILITIES)
    .withSysctls(NODE_SYSCTLS)
    .withSharedMemorySize(NODE_SHM_BYTES)
    .withTmpFs({ '/run': 'rw,nosuid,nodev,mode=755', '/run/lock': 'rw,nosuid,nodev,noexec,mode=1777' })
    .withBindMounts([{ source: '/sys/fs/cgroup', target: '/sys/fs/cgroup', mode: 'ro' }])
    .withEnvironment({ container: 'docker' })
    .withCopyContentToContainer([
      { content: spec.authorizedKey, target: '/etc/ssh/authorized_keys/root', mode: 0o644 },
      { content: spec.authorizedKey, target: '/etc/ssh/authorized_keys/hakit', mode: 0o644 },
      ...(spec.extraFiles ?? []),
    ])
    .withPullPolicy({ shouldPull: () => false })
    .withAutoCleanup(false)
    .start();
  return started.getId();
}
