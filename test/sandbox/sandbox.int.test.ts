import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/inventory/index.js';
import { docker } from '../../src/sandbox/docker.js';
import {
  ensureImages,
  LABEL_SANDBOX,
  loadSandbox,
  networkName,
  sandboxDown,
  sandboxStatus,
  sandboxUp,
} from '../../src/sandbox/index.js';
import { uniqueSandboxName, useSandbox } from '../support/sandbox-fixture.js';
import { sshCli } from '../support/ssh-cli.js';

/** First line a TCP server sends (bounded: 5 s). */
function banner(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host, port, timeout: 5000 });
    sock.once('data', (b) => {
      sock.destroy();
      resolve(b.toString('utf8').split('\n')[0] ?? '');
    });
    sock.once('timeout', () => {
      sock.destroy();
      reject(new Error(`${host}:${port}: timed out`));
    });
    sock.once('error', reject);
  });
}

/** Containers, network and state dir that exist for a sandbox name, straight from Docker and the disk. */
async function leftovers(name: string, dir: string) {
  const d = await docker();
  const containers = await d.listContainers({ all: true, filters: { label: [`${LABEL_SANDBOX}=${name}`] } });
  const networks = (await d.listNetworks()).filter(
    (n) => n.Name === networkName(name) || n.Labels?.[LABEL_SANDBOX] === name,
  );
  return { containers: containers.length, networks: networks.length, dir: existsSync(dir) };
}

describe('sandbox up (3 nodes)', () => {
  const sandbox = useSandbox({ nodes: 3, name: 'up' });

  it('starts 3 labelled hosts on their own network with the planned addresses', async () => {
    const sb = sandbox();
    expect(sb.nodes.map((n) => n.name)).toEqual(['node1', 'node2', 'node3']);
    const prefix = sb.network.subnet.replace(/\.0\/24$/, '');
    expect(sb.nodes.map((n) => n.address)).toEqual([`${prefix}.11`, `${prefix}.12`, `${prefix}.13`]);
    expect(sb.vip).toBe(`${prefix}.100`);
    const d = await docker();
    for (const n of sb.nodes) {
      const info = await d.getContainer(n.containerId).inspect();
      expect(info.Name).toBe(`/hakit-${sb.name}-${n.name}`);
      expect(info.Config.Labels).toMatchObject({ 'io.hakit.sandbox': sb.name, 'io.hakit.node': n.name });
      expect(info.NetworkSettings.Networks[sb.network.name]?.IPAddress).toBe(n.address);
      expect(info.HostConfig.Privileged).toBe(false);
    }
  });

  it('every node answers SSH with the generated key and known_hosts, runs systemd and has its name', async () => {
    const sb = sandbox();
    expect((await stat(sb.keyPath)).mode & 0o777).toBe(0o600);
    for (const n of sb.nodes) {
      const r = await sshCli(sb, n.name, 'hostname; systemctl is-system-running; cat /proc/1/comm');
      expect(r.stderr).toBe('');
      expect(r.stdout.trim().split('\n')).toEqual([n.name, 'running', 'systemd']);
    }
  });

  it('the sudo user hakit logs in with the same key and becomes root without a password', async () => {
    const sb = sandbox();
    const r = await sshCli(sb, 'node2', 'id -un; sudo -n id -u', { user: 'hakit' });
    expect(r.stdout.trim().split('\n')).toEqual(['hakit', '0']);
  });

  it('known_hosts holds the real host keys: a login refuses a different key for the address', async () => {
    const sb = sandbox();
    const keys = (await readFile(sb.knownHostsPath, 'utf8')).trim().split('\n');
    expect(keys).toHaveLength(3);
    expect(new Set(keys.map((l) => l.split(' ')[2])).size).toBe(3); // one distinct host key per node
    // node1's address paired with node2's key: ssh must refuse.
    const swapped = join(sb.dir, 'known_hosts.swapped');
    await writeFile(swapped, `${sb.nodes[0]!.address} ${keys[1]!.split(' ').slice(1).join(' ')}\n`);
    const r = await sshCli(sb, 'node1', 'true', { knownHostsPath: swapped });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
  });

  it('nodes reach each other and the machine running hakit reaches the VIP subnet', async () => {
    const sb = sandbox();
    const r = await sshCli(sb, 'node1', `ping -c1 -W2 ${sb.nodes[2]!.address} >/dev/null && echo ok`);
    expect(r.stdout.trim()).toBe('ok');
    // A VIP added on node3 (as IPaddr2 would) answers from this machine.
    await sshCli(sb, 'node3', `ip addr add ${sb.vip}/24 dev eth0`);
    const onNode1 = await sshCli(sb, 'node1', `ping -c1 -W2 ${sb.vip} >/dev/null && echo ok`);
    expect(onNode1.stdout.trim()).toBe('ok');
    // From this machine: the VIP answers with node3's sshd banner.
    expect(await banner(sb.vip, 22)).toMatch(/^SSH-2\.0-OpenSSH/);
    await sshCli(sb, 'node3', `ip addr del ${sb.vip}/24 dev eth0`);
  });

  it('writes an inventory the inventory loader accepts, with these nodes, key and known_hosts', async () => {
    const sb = sandbox();
    const inv = await loadInventory(sb.inventoryPath);
    expect(inv.inventory.nodes.map((n) => [n.name, n.links[0]])).toEqual(
      sb.nodes.map((n) => [n.name, n.address]),
    );
    expect(inv.path(inv.inventory.defaults.ssh!.key_file!)).toBe(sb.keyPath);
    expect(inv.path(inv.inventory.defaults.ssh!.known_hosts!)).toBe(sb.knownHostsPath);
    expect(inv.secretBytes(inv.inventory.cluster.authkey!)).toHaveLength(256);
  });

  it('the package cache is real: apt installs a cluster package without downloading anything', async () => {
    const sb = sandbox();
    const r = await sshCli(
      sb,
      'node1',
      'DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends haproxy 2>&1; systemctl is-active haproxy',
      { timeoutMs: 300_000 },
    );
    expect(r.stdout).toMatch(/Need to get 0 B/);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('active');
  });

  it('status and loadSandbox describe the running sandbox', async () => {
    const sb = sandbox();
    expect(await loadSandbox(sb.name)).toEqual(sb);
    const st = await sandboxStatus(sb.name);
    expect(st.network).toEqual({ name: sb.network.name, subnet: sb.network.subnet, exists: true });
    expect(st.nodes.map((n) => [n.name, n.state, n.connected])).toEqual([
      ['node1', 'running', true],
      ['node2', 'running', true],
      ['node3', 'running', true],
    ]);
  });
});

describe('sandbox down', () => {
  it('removes containers, network and the key dir; a second down is a no-op', async () => {
    const name = uniqueSandboxName('down');
    try {
      const sb = await sandboxUp({ name, nodes: 1 });
      // The node and the sandbox's fencing proxy.
      expect(await leftovers(name, sb.dir)).toEqual({ containers: 2, networks: 1, dir: true });
      await sandboxDown(name);
      expect(await leftovers(name, sb.dir)).toEqual({ containers: 0, networks: 0, dir: false });
      expect(existsSync(sb.keyPath)).toBe(false);
      expect(await loadSandbox(name)).toBeNull();
      await sandboxDown(name);
      expect((await sandboxStatus(name)).exists).toBe(false);
    } finally {
      await sandboxDown(name);
    }
  });
});

describe('two sandboxes', () => {
  const names = [uniqueSandboxName('a'), uniqueSandboxName('b')];
  afterAll(async () => {
    for (const n of names) await sandboxDown(n);
  });

  it('coexist on different subnets, and removing one leaves the other working', async () => {
    const a = await sandboxUp({ name: names[0]!, nodes: 2 });
    const b = await sandboxUp({ name: names[1]!, nodes: 2 });
    expect(a.network.subnet).not.toBe(b.network.subnet);
    expect(a.network.name).not.toBe(b.network.name);
    for (const sb of [a, b]) {
      for (const n of sb.nodes) expect((await sshCli(sb, n.name, 'hostname')).stdout.trim()).toBe(n.name);
    }
    // Isolation between sandboxes: a node of A does not reach a node of B.
    const cross = await sshCli(
      a,
      'node1',
      `ping -c1 -W1 ${b.nodes[0]!.address} >/dev/null && echo reach || echo noreach`,
    );
    expect(cross.stdout.trim()).toBe('noreach');
    await sandboxDown(a.name);
    expect(await leftovers(a.name, a.dir)).toEqual({ containers: 0, networks: 0, dir: false });
    expect((await sshCli(b, 'node2', 'systemctl is-system-running')).stdout.trim()).toBe('running');
  });

  it('refuses a second up of a sandbox that exists', async () => {
    await expect(sandboxUp({ name: names[1]!, nodes: 1 })).rejects.toThrow(/already exists/);
    expect((await sandboxStatus(names[1]!)).nodes.map((n) => n.state)).toEqual(['running', 'running']);
  });
});

describe('interrupted up', () => {
  it('an abort while nodes start removes every container, the network and the key dir', async () => {
    const name = uniqueSandboxName('abort');
    const ac = new AbortController();
    const seen: string[] = [];
    let dir = '';
    try {
      const up = sandboxUp({
        name,
        nodes: 4,
        signal: ac.signal,
        onProgress: (m) => {
          seen.push(m);
          // Abort once the first node is up: containers, network and keys exist at that point.
          if (/ is up$/.test(m)) ac.abort(new Error('test abort'));
        },
      });
      await expect(up).rejects.toThrow('test abort');
      dir = (await sandboxStatus(name)).dir;
      expect(seen.some((m) => /creating network/.test(m))).toBe(true);
      expect(await leftovers(name, dir)).toEqual({ containers: 0, networks: 0, dir: false });
    } finally {
      await sandboxDown(name);
    }
  });

  it('a failure mid-way (a node container name already taken) removes what up created, nothing else', async () => {
    const name = uniqueSandboxName('fail');
    const d = await docker();
    const images = await ensureImages({ packageCache: false });
    // A foreign, unlabelled container squats the name node2 would get: creating node2 fails with a conflict
    // after the network, the keys and node1 exist.
    const squatter = await d.createContainer({
      Image: images.host,
      name: `hakit-${name}-node2`,
      Cmd: ['true'],
    });
    try {
      const up = sandboxUp({ name, nodes: 3, packageCache: false });
      await expect(up).rejects.toThrow(/Conflict|already in use/);
      expect(await leftovers(name, (await sandboxStatus(name)).dir)).toEqual({
        containers: 0,
        networks: 0,
        dir: false,
      });
      // Cleanup goes by label: the container hakit did not create is left alone.
      expect((await squatter.inspect()).Name).toBe(`/hakit-${name}-node2`);
    } finally {
      await squatter.remove({ force: true });
      await sandboxDown(name);
    }
  });
});
