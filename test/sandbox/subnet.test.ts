import { describe, expect, it } from 'vitest';
import { chooseSubnet, cidrsOverlap, planSubnet, preferredOctet } from '../../src/sandbox/subnet.js';

describe('sandbox subnet allocation', () => {
  it('gives the default sandbox 10.213.0.0/24 with gateway .1, nodes from .11 and the VIP at .100', () => {
    const subnet = chooseSubnet('default', ['172.17.0.0/16']);
    expect(subnet).toBe('10.213.0.0/24');
    expect(planSubnet(subnet, 3)).toEqual({
      subnet: '10.213.0.0/24',
      gateway: '10.213.0.1',
      vip: '10.213.0.100',
      fence: '10.213.0.2',
      addresses: ['10.213.0.11', '10.213.0.12', '10.213.0.13'],
    });
  });

  it('fits 30 nodes below the VIP and refuses more than fit', () => {
    const plan = planSubnet('10.213.7.0/24', 30);
    expect(plan.addresses).toHaveLength(30);
    expect(plan.addresses.at(-1)).toBe('10.213.7.40');
    expect(plan.addresses).not.toContain(plan.vip);
    expect(() => planSubnet('10.213.7.0/24', 90)).toThrow(/too many nodes/);
  });

  it('chooses another /24 for other names, deterministically from the name', () => {
    const a = chooseSubnet('alpha', []);
    expect(a).toMatch(/^10\.213\.(\d+)\.0\/24$/);
    expect(a).not.toBe('10.213.0.0/24');
    expect(chooseSubnet('alpha', [])).toBe(a);
    expect(a).toBe(`10.213.${preferredOctet('alpha')}.0/24`);
    expect(chooseSubnet('beta', [])).not.toBe(a);
  });

  it('skips subnets already used by docker networks, including wider ones that contain them', () => {
    const first = chooseSubnet('alpha', []);
    const second = chooseSubnet('alpha', [first]);
    expect(second).not.toBe(first);
    const octet = preferredOctet('alpha');
    const wide = `10.213.${octet & ~3}.0/22`;
    const third = chooseSubnet('alpha', [wide]);
    expect(cidrsOverlap(third, wide)).toBe(false);
  });

  it('never gives another sandbox the default subnet and fails the default when it is taken', () => {
    const all = Array.from({ length: 255 }, (_, i) => `10.213.${i}.0/24`).filter(
      (s) => s !== '10.213.0.0/24',
    );
    expect(() => chooseSubnet('alpha', all)).toThrow(/no free \/24/);
    expect(() => chooseSubnet('default', ['10.213.0.0/16'])).toThrow(/used by another network/);
  });

  it('detects overlap of CIDRs of different sizes and ignores non-IPv4 entries', () => {
    expect(cidrsOverlap('10.0.0.0/8', '10.213.5.0/24')).toBe(true);
    expect(cidrsOverlap('10.213.4.0/24', '10.213.5.0/24')).toBe(false);
    expect(cidrsOverlap('fd00::/64', '10.213.5.0/24')).toBe(false);
  });
});
