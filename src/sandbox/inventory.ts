import { stringify } from 'yaml';
import type { Sandbox } from './types.js';

/** Where fence_docker on the nodes reaches the sandbox's fencing endpoint; null when fencing is not set up. */
export interface FencingEndpoint {
  ip: string;
  port: number;
}

/** Secret files `up` writes into the state dir, referenced by the inventory as `file:` secrets. */
export const SECRET_FILES = {
  authkey: 'authkey',
  hacluster: 'hacluster.pass',
  clustercheck: 'clustercheck.pass',
};

/** Paths on the nodes where the fencing client certificate, key and CA are installed. */
export const FENCE_TLS_DIR = '/etc/hakit/fence';

/**
 * The inventory of a sandbox, with the structure of inventories/sandbox.yaml: every node is a pacemaker +
 * haproxy + galera member, a VIP with haproxy in front of Galera. Paths are relative to the inventory file,
 * which lives in the state dir beside the key, known_hosts and secrets.
 */
export function inventoryObject(
  sb: Sandbox,
  fencing: FencingEndpoint | null = null,
): Record<string, unknown> {
  const names = sb.nodes.map((n) => n.name);
  const pacemaker: Record<string, unknown> = {
    properties: { 'stonith-enabled': fencing !== null, 'no-quorum-policy': 'stop' },
    resource_defaults: { 'resource-stickiness': 100 },
  };
  if (fencing) {
    pacemaker.fencing = {
      devices: [
        {
          id: 'fence-sandbox',
          agent: 'fence_docker',
          fences: names,
          host_map: Object.fromEntries(sb.nodes.map((n) => [n.name, n.containerName])),
          params: {
            ip: fencing.ip,
            ipport: fencing.port,
            ssl: 1,
            tlscert: `${FENCE_TLS_DIR}/client-cert.pem`,
            tlskey: `${FENCE_TLS_DIR}/client-key.pem`,
            tlscacert: `${FENCE_TLS_DIR}/ca.pem`,
            // Debian 12's fence_docker (fence-agents 4.12) fails its own `cycle` method (reboot_cycle uses
            // a deleted variable) after the restart succeeded; `onoff` (kill, then start) works.
            method: 'onoff',
            // A fenced node is powered off, not cycled: the survivors take over without waiting for its
            // container to start again (0.7–1.8 s measured); `hakit verify` drills start it when they heal.
            pcmk_reboot_action: 'off',
          },
        },
      ],
    };
  }
  Object.assign(pacemaker, {
    resources: [
      { type: 'ipaddr2', id: 'vip', ip: sb.vip, cidr_netmask: 24 },
      {
        type: 'systemd',
        id: 'haproxy',
        unit: 'haproxy',
        // Pacemaker runs haproxy with systemd's Restart= switched off: a monitor every second notices a dead
        // haproxy, and one failure moves the VIP to a node whose haproxy runs (forgotten after 60 s).
        meta: { 'migration-threshold': 1, 'failure-timeout': '60s' },
        ops: [{ name: 'monitor', interval: '1s', timeout: '20s' }],
      },
    ],
    clones: [{ resource: 'haproxy', meta: { interleave: true } }],
    constraints: {
      colocation: [{ resource: 'vip', with: 'haproxy-clone' }],
      order: [{ first: 'haproxy-clone', then: 'vip' }],
    },
  });
  return {
    cluster: {
      name: `hakit-${sb.name === 'default' ? 'sandbox' : sb.name}`.slice(0, 32),
      // token 1000 ms as such: no 650 ms per node beyond two (the failover drills' figures depend on it).
      totem: { token: 1000, token_coefficient: 0 },
      authkey: `file:${SECRET_FILES.authkey}`,
      hacluster_password: `file:${SECRET_FILES.hacluster}`,
    },
    defaults: { ssh: { user: 'root', key_file: 'id_ed25519', known_hosts: 'known_hosts' } },
    nodes: sb.nodes.map((n) => ({
      name: n.name,
      links: [n.address],
      roles: ['pacemaker', 'haproxy', 'galera'],
    })),
    host_prep: {
      selinux: 'enforcing',
      firewall: 'manage',
      ssh_trust: true,
      chrony: { pools: ['2.debian.pool.ntp.org'] },
    },
    pacemaker,
    haproxy: {
      defaults: { timeouts: { connect: '500ms' } },
      stats: { bind: '127.0.0.1:8404' },
      frontends: [{ name: 'mysql', bind: [`${sb.vip}:3307`], mode: 'tcp', default_backend: 'galera' }],
      backends: [
        {
          name: 'galera',
          mode: 'tcp',
          balance: 'first',
          check: {
            type: 'galera',
            port: 9200,
            inter: '1s',
            fastinter: '250ms',
            fall: 2,
            rise: 2,
            observe: 'layer4',
            error_limit: 1,
            on_error: 'mark-down',
          },
          options: ['redispatch'],
          servers: sb.nodes.map((n, i) => ({
            name: n.name,
            node: n.name,
            port: 3306,
            ...(i > 0 ? { backup: true } : {}),
          })),
        },
      ],
    },
    galera: {
      cluster_name: sb.name === 'default' ? 'hakit_sandbox' : `hakit_${sb.name.replace(/-/g, '_')}`,
      sst: { method: 'rsync' },
      check_password: `file:${SECRET_FILES.clustercheck}`,
      // A silent member is evicted after 1.2 s instead of Galera's 5 s (writes wait for its eviction).
      provider_options: {
        'evs.keepalive_period': 'PT0.3S',
        'evs.inactive_check_period': 'PT0.3S',
        'evs.suspect_timeout': 'PT1.2S',
      },
    },
    // What this sandbox holds in every round (docs/benchmarks.md D1); #11's targets are judged over rounds by
    // `npm run bench -- --workload d1`.
    verify: {
      max_outage_s: 5,
      drills: {
        'crash-vip-holder': { max_write_gap_s: 6.5 },
        'crash-galera-writer': { max_write_gap_s: 6.5 },
        partition: { max_outage_s: 6, max_write_gap_s: 7.5 },
        'kill-corosync': { max_write_gap_s: 6.5 },
      },
    },
  };
}

export function renderInventory(sb: Sandbox, fencing: FencingEndpoint | null = null): string {
  const header =
    `# Generated by 'hakit sandbox up' for sandbox '${sb.name}' (network ${sb.network.name}, ${sb.network.subnet}).\n` +
    `# Paths and file: secrets are relative to this file. Removed by 'hakit sandbox down'.\n`;
  return header + stringify(inventoryObject(sb, fencing), { lineWidth: 0 });
}
