import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localAddressesFromFibTrie } from '../../src/sandbox/faults.js';

describe('local addresses from /proc/PID/net/fib_trie', () => {
  it('reads the VIP and the node address of a sandbox node holding the VIP (captured), not routes or broadcasts', () => {
    const text = readFileSync(join(import.meta.dirname, 'fixtures', 'fib_trie-vip.txt'), 'utf8');
    expect(localAddressesFromFibTrie(text)).toEqual(['10.213.0.100', '10.213.0.13', '127.0.0.1']);
  });

  it('a node without the VIP: no 10.213.0.100', () => {
    const text = readFileSync(join(import.meta.dirname, 'fixtures', 'fib_trie-vip.txt'), 'utf8').replace(
      /\|-- 10\.213\.0\.100\n\s+\/32 host LOCAL\n/g,
      '',
    );
    expect(localAddressesFromFibTrie(text)).toEqual(['10.213.0.13', '127.0.0.1']);
  });
});
