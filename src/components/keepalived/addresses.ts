import {
  type InventoryNode,
  intToIpv4,
  ipv4ToInt,
  linkAddresses,
  sameIpv4Network,
  splitCidr,
} from '../../model/index.js';
import type { Inventory } from '../inventory-schema.js';

type Instance = NonNullable<Inventory['keepalived']>['instances'][number];

/** The network a VIP lies in, e.g. `10.0.0.100/24` → `10.0.0.0/24`. */
export function vipNetwork(vip: string): string {
  const { address, prefix = 32 } = splitCidr(vip);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return `${intToIpv4((ipv4ToInt(address) & mask) >>> 0)}/${prefix}`;
}

/** The member's link addresses inside the VIP's network (the addresses its interface could carry it with). */
export function addressesInVipNetwork(node: InventoryNode, vip: string): string[] {
  const { address, prefix = 32 } = splitCidr(vip);
  return linkAddresses(node).filter((a) => sameIpv4Network(a, address, prefix));
}

/**
 * The address of a member's VRRP interface: its link address in the network of the instance's first VIP
 * (`unicast_src_ip`, and what its peers send to). Link 0 when it has none there — `hakit check` rejects that.
 */
export function interfaceAddress(inst: Instance, node: InventoryNode): string {
  return addressesInVipNetwork(node, inst.vips[0]!)[0] ?? linkAddresses(node)[0]!;
}
