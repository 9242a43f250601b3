/** Small IPv4/IPv6 helpers for semantic checks (no I/O). */
import { isIP } from 'node:net';

export function isIPv4(s: string): boolean {
  return isIP(s) === 4;
}

export function isIpAddress(s: string): boolean {
  return isIP(s) !== 0;
}

export function ipv4ToInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  return (((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!) >>> 0;
}

export function intToIpv4(n: number): string {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Whether two IPv4 addresses share the network of the given prefix length. */
export function sameIpv4Network(a: string, b: string, prefix: number): boolean {
  if (!isIPv4(a) || !isIPv4(b)) return false;
  if (prefix === 0) return true;
  const mask = (0xffffffff << (32 - prefix)) >>> 0;
  return (ipv4ToInt(a) & mask) === (ipv4ToInt(b) & mask);
}

/** Splits `10.0.0.5/24` into address and prefix (prefix undefined when absent). */
export function splitCidr(s: string): { address: string; prefix?: number } {
  const i = s.indexOf('/');
  if (i < 0) return { address: s };
  return { address: s.slice(0, i), prefix: Number(s.slice(i + 1)) };
}

export const CIDR_V4 = /^(\d{1,3}\.){3}\d{1,3}\/(3[0-2]|[12]?\d)$/;
