import { didYouMean } from './did-you-mean.js';
import { isIPv4, sameIpv4Network } from './ip.js';
import { linkAddresses } from './node-lookup.js';
import type { InventoryNode } from './node-schema.js';

/** A key of a field path into a document: an object key or an array index. */
export type PathKey = string | number;

/** A semantic finding: a field path into the inventory document and what is wrong there. */
export interface Finding {
  severity: 'error' | 'warning';
  path: PathKey[];
  message: string;
}

/**
 * Collects the findings of the semantic checks of one inventory, in the order they are made, with the
 * lookups several components' checks share (is this a node? can this VIP be carried?).
 */
export class Findings {
  readonly list: Finding[] = [];
  private readonly nodeNames: string[];
  private readonly nodeSet: Set<string>;

  constructor(private readonly nodes: readonly InventoryNode[]) {
    this.nodeNames = nodes.map((n) => n.name);
    this.nodeSet = new Set(this.nodeNames);
  }

  error(path: PathKey[], message: string): void {
    this.list.push({ severity: 'error', path, message });
  }

  warn(path: PathKey[], message: string): void {
    this.list.push({ severity: 'warning', path, message });
  }

  isNode(name: string): boolean {
    return this.nodeSet.has(name);
  }

  /** An error when `name` is not a node of the inventory (with a suggestion); true when it is not. */
  unknownNode(name: string, path: PathKey[], what = 'node'): boolean {
    if (this.nodeSet.has(name)) return false;
    const hint = didYouMean(name, this.nodeNames);
    this.error(
      path,
      `${what} "${name}" is not a node of this inventory${hint ? ` — did you mean "${hint}"?` : ` (nodes: ${this.nodeNames.join(', ')})`}`,
    );
    return true;
  }

  /** An error when an IPv4 VIP is a node address or outside every node subnet (no interface could carry it). */
  checkVip(ip: string, prefix: number, path: PathKey[]): void {
    if (!isIPv4(ip)) return;
    const addrs = this.nodes.flatMap((n) => linkAddresses(n));
    if (addrs.includes(ip)) {
      this.error(path, `VIP ${ip} is a node address`);
      return;
    }
    if (!addrs.some((a) => sameIpv4Network(a, ip, prefix)))
      this.error(path, `VIP ${ip}/${prefix} is outside every node subnet: no interface could carry it`);
  }
}
