import { describe, expect, it } from 'vitest';
import {
  crashNode,
  freezeNode,
  healNode,
  isolateNode,
  nodeAddresses,
  restartNode,
  sandboxStatus,
  thawNode,
} from '../../src/sandbox/index.js';
import { useSandbox } from '../support/sandbox-fixture.js';
import { sshCli } from '../support/ssh-cli.js';

/** Whether node `from` reaches `to`'s address (one bounded ping). */
async function reaches(sb: ReturnType<ReturnType<typeof useSandbox>>, from: string, address: string) {
  const r = await sshCli(sb, from, `ping -c1 -W2 ${address} >/dev/null && echo yes || echo no`);
  return r.stdout.trim();
}

describe('fault API', () => {
  const sandbox = useSandbox({ nodes: 3, name: 'faults' });

  it('crashNode kills the node at once; restartNode boots it again with the same host key', async () => {
    const sb = sandbox();
    const before = (
      await sshCli(
        sb,
        'node2',
        'cat /proc/sys/kernel/random/boot_id; systemctl show -p ActiveEnterTimestampMonotonic multi-user.target',
      )
    ).stdout;
    await crashNode(sb, 'node2');
    expect((await sandboxStatus(sb.name)).nodes.find((n) => n.name === 'node2')?.state).toBe('exited');
    expect(await reaches(sb, 'node1', sb.nodes[1]!.address)).toBe('no');
    await restartNode(sb, 'node2');
    // StrictHostKeyChecking=yes with the original known_hosts: same host key after the reboot.
    const r = await sshCli(sb, 'node2', 'systemctl is-system-running --wait; hostname');
    expect(r.stdout.trim().split('\n')).toEqual(['running', 'node2']);
    const after = (
      await sshCli(sb, 'node2', 'systemctl show -p ActiveEnterTimestampMonotonic multi-user.target')
    ).stdout;
    expect(after).not.toBe(before.split('\n').slice(1).join('\n'));
  });

  it('nodeAddresses reads a node from outside (an address added inside shows, a crashed node reads null)', async () => {
    const sb = sandbox();
    const own = sb.nodes[2]!.address;
    const extra = own.replace(/\.\d+$/, '.250');
    const add = await sshCli(sb, 'node3', `ip addr add ${extra}/24 dev eth0`);
    expect(add.code, add.stderr).toBe(0);
    try {
      expect(await nodeAddresses(sb, 'node3')).toEqual(expect.arrayContaining([own, extra]));
    } finally {
      await sshCli(sb, 'node3', `ip addr del ${extra}/24 dev eth0`);
    }
    expect(await nodeAddresses(sb, 'node3')).not.toContain(extra);
    await crashNode(sb, 'node3');
    expect(await nodeAddresses(sb, 'node3')).toBeNull();
    await restartNode(sb, 'node3');
  });

  it('freezeNode hangs every process of the node; thawNode lets it continue', async () => {
    const sb = sandbox();
    await freezeNode(sb, 'node3');
    expect((await sandboxStatus(sb.name)).nodes.find((n) => n.name === 'node3')?.state).toBe('paused');
    const frozen = await sshCli(sb, 'node3', 'true', { timeoutMs: 8_000 });
    expect(frozen.code).not.toBe(0);
    await thawNode(sb, 'node3');
    expect((await sshCli(sb, 'node3', 'hostname')).stdout.trim()).toBe('node3');
  });

  it('isolateNode cuts the node off its peers and this machine; healNode restores the same address', async () => {
    const sb = sandbox();
    const node1 = sb.nodes[0]!;
    await isolateNode(sb, 'node1');
    expect(await reaches(sb, 'node2', node1.address)).toBe('no');
    expect((await sshCli(sb, 'node1', 'true', { timeoutMs: 10_000 })).code).not.toBe(0);
    expect((await sandboxStatus(sb.name)).nodes.find((n) => n.name === 'node1')?.connected).toBe(false);
    await healNode(sb, 'node1');
    expect(await reaches(sb, 'node2', node1.address)).toBe('yes');
    const r = await sshCli(sb, 'node1', `ip -4 -o addr show | grep -c ' ${node1.address}/24'; hostname`);
    expect(r.stdout.trim().split('\n')).toEqual(['1', 'node1']);
  });

  it('faults name unknown nodes clearly', async () => {
    await expect(crashNode(sandbox(), 'node9')).rejects.toThrow(/has no node 'node9'/);
  });
});
