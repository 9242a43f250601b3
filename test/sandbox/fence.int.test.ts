import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/inventory/index.js';
import { sandboxStatus } from '../../src/sandbox/index.js';
import { useSandbox } from '../support/sandbox-fixture.js';
import { sshCli } from '../support/ssh-cli.js';

/** fence_docker on node1 with the parameters the generated inventory gives the fence device. */
async function fenceCommand(sb: ReturnType<ReturnType<typeof useSandbox>>) {
  const inv = (await loadInventory(sb.inventoryPath)).inventory;
  const dev = inv.pacemaker.fencing.devices[0]!;
  const p = dev.params!;
  return (
    `fence_docker --ip ${p.ip} --ipport ${p.ipport} --ssl --tlscert ${p.tlscert} ` +
    `--tlskey ${p.tlskey} --tlscacert ${p.tlscacert} --method ${p.method}`
  );
}

/** A request to the proxy from node1 with python3's ssl; prints the HTTP status or the TLS error class. */
function pyRequest(
  sb: ReturnType<ReturnType<typeof useSandbox>>,
  method: string,
  path: string,
  withCert: boolean,
) {
  const fence = sb.fence!;
  const cert = withCert
    ? "c.load_cert_chain('/etc/hakit/fence/client-cert.pem','/etc/hakit/fence/client-key.pem');"
    : '';
  const py =
    `import http.client,ssl;c=ssl.create_default_context(cafile='/etc/hakit/fence/ca.pem');${cert}` +
    `h=http.client.HTTPSConnection('${fence.ip}',${fence.port},context=c,timeout=10)\n` +
    `try:\n h.request('${method}','${path}');print(h.getresponse().status)\n` +
    `except Exception as e: print(type(e).__name__)`;
  return sshCli(sb, 'node1', `python3 -c "${py.replace(/"/g, '\\"')}"`);
}

describe('fencing through the Docker API (fence_docker → TLS proxy)', () => {
  const sandbox = useSandbox({ nodes: 3, name: 'fence' });

  it('the inventory keeps STONITH on with a fence_docker device for every node', async () => {
    const sb = sandbox();
    expect(sb.fence).toEqual({ ip: sb.nodes[0]!.address.replace(/\.11$/, '.2'), port: 2376 });
    const inv = (await loadInventory(sb.inventoryPath)).inventory;
    expect(inv.pacemaker.properties['stonith-enabled']).toBe(true);
    expect(inv.pacemaker.fencing.devices[0]).toMatchObject({
      agent: 'fence_docker',
      fences: ['node1', 'node2', 'node3'],
      host_map: {
        node1: `hakit-${sb.name}-node1`,
        node2: `hakit-${sb.name}-node2`,
        node3: `hakit-${sb.name}-node3`,
      },
    });
  });

  it('fence_docker on a node powers another node off, on and reboots it (method onoff)', async () => {
    const sb = sandbox();
    const install = await sshCli(
      sb,
      'node1',
      'DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends fence-agents >/dev/null 2>&1; echo $?',
      { timeoutMs: 300_000 },
    );
    expect(install.stdout.trim()).toBe('0');
    const f = await fenceCommand(sb);
    const target = `hakit-${sb.name}-node2`;
    const state = async () => (await sandboxStatus(sb.name)).nodes.find((n) => n.name === 'node2')?.state;

    expect((await sshCli(sb, 'node1', `${f} -n ${target} -o status`)).stdout.trim()).toBe('Status: ON');
    expect((await sshCli(sb, 'node1', `${f} -n ${target} -o off`)).stdout.trim()).toBe(
      'Success: Powered OFF',
    );
    expect(await state()).toBe('exited');
    expect((await sshCli(sb, 'node1', `${f} -n ${target} -o on`)).stdout.trim()).toBe('Success: Powered ON');
    expect(await state()).toBe('running');
    expect((await sshCli(sb, 'node1', `${f} -n ${target} -o reboot`)).stdout.trim()).toBe(
      'Success: Rebooted',
    );
    expect(await state()).toBe('running');
  });

  it('lists only this sandbox’s nodes and refuses any other container, the proxy included', async () => {
    const sb = sandbox();
    const f = await fenceCommand(sb);
    const list = (await sshCli(sb, 'node1', `${f} -o list`)).stdout.trim().split('\n');
    expect(list.map((l) => l.split(',')[1]).sort()).toEqual(sb.nodes.map((n) => n.containerName).sort());
    const proxy = await sshCli(sb, 'node1', `${f} -n hakit-${sb.name}-fence -o off`);
    expect(proxy.code).not.toBe(0);
    expect((await sandboxStatus(sb.name)).nodes.every((n) => n.state === 'running')).toBe(true);
  });

  it('the proxy allows only the fence_docker calls and only with the sandbox client certificate', async () => {
    const sb = sandbox();
    expect(
      (await pyRequest(sb, 'GET', `/v1.41/containers/hakit-${sb.name}-node2/json`, true)).stdout.trim(),
    ).toBe('200');
    expect((await pyRequest(sb, 'GET', '/v1.41/info', true)).stdout.trim()).toBe('403');
    expect((await pyRequest(sb, 'POST', '/v1.41/containers/create', true)).stdout.trim()).toBe('403');
    expect(
      (await pyRequest(sb, 'POST', `/v1.41/containers/hakit-${sb.name}-node2/exec`, true)).stdout.trim(),
    ).toBe('403');
    // Without a client certificate the TLS handshake itself fails: no HTTP status at all.
    expect(
      (await pyRequest(sb, 'GET', `/v1.41/containers/hakit-${sb.name}-node2/json`, false)).stdout.trim(),
    ).toMatch(/Error$/);
  });
});
