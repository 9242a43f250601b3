import { createHash } from 'node:crypto';
import { HakitError } from '../errors/index.js';

/** Every sandbox lives in 10.213.N.0/24; the default sandbox has N = 0. */
export const SUBNET_PREFIX = '10.213';
/** Host part of the first node's address (node1 = .11, node2 = .12, ...). */
export const FIRST_NODE_HOST = 11;
/** Host part of the address reserved for a floating VIP. */
export const VIP_HOST = 100;

export interface SubnetPlan {
  subnet: string;
  gateway: string;
  vip: string;
  /** .2: the sandbox's fencing proxy. */
  fence: string;
  addresses: string[];
}

function ipToInt(ip: string): number {
  const parts = ip.split('.').map((p) => Number(p));
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`not an IPv4 address: ${ip}`);
  }
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

/** [first, last] address of an IPv4 CIDR as unsigned integers; null when `cidr` is not IPv4. */
export function cidrRange(cidr: string): [number, number] | null {
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(cidr.trim());
  if (!m) return null;
  const bits = Number(m[2]);
  if (bits < 0 || bits > 32) return null;
  const size = 2 ** (32 - bits);
  const start = Math.floor(ipToInt(m[1]!) / size) * size;
  return [start, start + size - 1];
}

export function cidrsOverlap(a: string, b: string): boolean {
  const ra = cidrRange(a);
  const rb = cidrRange(b);
  if (!ra || !rb) return false;
  return ra[0] <= rb[1] && rb[0] <= ra[1];
}

/** Third octet preferred for a sandbox name: 0 for `default`, otherwise 1..254 from a hash of the name. */
export function preferredOctet(name: string): number {
  if (name === 'default') return 0;
  const h = createHash('sha256').update(name).digest();
  return 1 + (h.readUInt32BE(0) % 254);
}

/**
 * Picks the /24 for a sandbox, deterministically from its name, skipping subnets that overlap any in
 * `used` (the subnets of the Docker networks that already exist). The default sandbox always gets
 * 10.213.0.0/24 and fails if that is taken.
 */
export function chooseSubnet(name: string, used: string[]): string {
  const free = (octet: number) => !used.some((u) => cidrsOverlap(u, `${SUBNET_PREFIX}.${octet}.0/24`));
  const first = preferredOctet(name);
  if (name === 'default') {
    if (free(0)) return `${SUBNET_PREFIX}.0.0/24`;
    throw new HakitError(
      `subnet ${SUBNET_PREFIX}.0.0/24 for the default sandbox is used by another network`,
      {
        code: 'E_SANDBOX_SUBNET',
      },
    );
  }
  for (let i = 0; i < 254; i++) {
    const octet = 1 + ((first - 1 + i) % 254);
    if (free(octet)) return `${SUBNET_PREFIX}.${octet}.0/24`;
  }
  throw new HakitError(`no free /24 left in ${SUBNET_PREFIX}.0.0/16 for sandbox '${name}'`, {
    code: 'E_SANDBOX_SUBNET',
  });
}

/** Gateway (.1), node addresses (.11, .12, ...) and VIP (.100) of a /24. */
export function planSubnet(subnet: string, nodes: number): SubnetPlan {
  const m = /^(\d+\.\d+\.\d+)\.0\/24$/.exec(subnet);
  if (!m) throw new Error(`expected a /24 subnet, got ${subnet}`);
  const base = m[1]!;
  if (FIRST_NODE_HOST + nodes - 1 >= VIP_HOST) throw new Error(`too many nodes for ${subnet}: ${nodes}`);
  return {
    subnet,
    gateway: `${base}.1`,
    vip: `${base}.${VIP_HOST}`,
    fence: `${base}.2`,
    addresses: Array.from({ length: nodes }, (_, i) => `${base}.${FIRST_NODE_HOST + i}`),
  };
}
