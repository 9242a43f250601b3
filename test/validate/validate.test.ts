import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadInventory, parseInventory } from '../../src/inventory/load.js';
import type { RenderedFile } from '../../src/render/types.js';
import { renderNodeFiles } from '../../src/state/render-files.js';
import { validateFiles } from '../../src/validate/run.js';

/**
 * These run the REAL validators (haproxy, keepalived, chronyd, drbdadm, corosync, crm_verify, mariadbd, sh).
 * A validator that is missing here makes the test fail (its result would be `skipped`, not `passed`).
 * Debian packages: haproxy keepalived chrony drbd-utils corosync pacemaker-cli-utils mariadb-server-core
 * iproute2 util-linux.
 */
const INVENTORIES = ['sandbox', 'staging.example', 'production.example', 'sandbox-keepalived'];

describe.each(INVENTORIES)('every rendered file of inventories/%s.yaml passes its real validator', (name) => {
  it('passed, fully (corosync per node, in the node network)', async () => {
    const loaded = await loadInventory(`inventories/${name}.yaml`);
    const files = renderNodeFiles(loaded, { secrets: 'mask' });
    const results = await validateFiles(files, loaded.inventory);
    const withValidator = results.filter((r) => r.status !== 'none');
    const bad = withValidator.filter((r) => r.status !== 'passed');
    expect(bad, JSON.stringify(bad, null, 2)).toEqual([]);
    // Only files hakit has no validator for are `none`: the hosts block, credentials, systemd units, the authkey.
    for (const r of results.filter((x) => x.status === 'none'))
      expect(['hosts-block', 'galera-check', 'corosync-authkey']).toContain(r.kind);
    const corosync = results.filter((r) => r.kind === 'corosync');
    expect(corosync.map((r) => r.node)).toEqual(
      loaded.inventory.nodes.filter((n) => n.roles.includes('pacemaker')).map((n) => n.name),
    );
    for (const r of corosync) expect(r.detail).toMatch(/network namespace with .* on lo/);
  });
});

async function production() {
  const loaded = await loadInventory('inventories/production.example.yaml');
  return { loaded, files: renderNodeFiles(loaded, { secrets: 'mask' }) };
}
const pick = (files: RenderedFile[], node: string, kind: string) =>
  files.find((f) => f.node === node && f.kind === kind)!;

describe('validator failures carry the node, the file and the validator’s own message', () => {
  it('haproxy: a bad keyword in a backend', async () => {
    const { loaded, files } = await production();
    const f = pick(files, 'db1', 'haproxy');
    const broken = {
      ...f,
      content: f.content.replace('    balance first\n', '    balance first\n    bogus-keyword 12\n'),
    };
    const [r] = await validateFiles([broken], loaded.inventory);
    expect(r).toMatchObject({
      node: 'db1',
      path: '/etc/haproxy/haproxy.cfg',
      validator: 'haproxy -c',
      status: 'failed',
    });
    expect(r!.message).toMatch(/unknown keyword 'bogus-keyword'/);
    // The temporary copy's path is replaced by the file's path on the host.
    expect(r!.message).toContain('/etc/haproxy/haproxy.cfg');
  });

  it('corosync: a duplicate nodeid', async () => {
    const { loaded, files } = await production();
    const f = pick(files, 'db2', 'corosync');
    const broken = { ...f, content: f.content.replace('nodeid: 3', 'nodeid: 2') };
    const [r] = await validateFiles([broken], loaded.inventory);
    expect(r).toMatchObject({ node: 'db2', validator: 'corosync -t', status: 'failed' });
    expect(r!.message).toMatch(/Nodeid 2 appears twice/);
  });

  it('corosync: the full check knows which node it runs as (its address is not in the file → fails)', async () => {
    const { loaded, files } = await production();
    const f = pick(files, 'db3', 'corosync');
    const moved = {
      ...f,
      content: f.content
        .replace('ring0_addr: 10.40.0.13', 'ring0_addr: 10.40.0.99')
        .replace('ring1_addr: 10.41.0.13', 'ring1_addr: 10.41.0.99'),
    };
    const [r] = await validateFiles([moved], loaded.inventory);
    expect(r).toMatchObject({ node: 'db3', status: 'failed' });
    expect(r!.message).toMatch(/No valid name found for local host/);
  });

  it('corosync without a network namespace: reported as partial (parsed only), never as passed', async () => {
    const { loaded, files } = await production();
    const [r] = await validateFiles([pick(files, 'db1', 'corosync')], loaded.inventory, { isolate: false });
    expect(r).toMatchObject({ validator: 'corosync -t', status: 'partial' });
    expect(r!.message).toMatch(/parsed only/);
  });

  it('crm_verify: a constraint naming a resource that does not exist', async () => {
    const { loaded, files } = await production();
    const f = pick(files, 'fs1', 'cib');
    const broken = { ...f, content: f.content.replace('with-rsc="haproxy-clone"', 'with-rsc="no-such-rsc"') };
    const [r] = await validateFiles([broken], loaded.inventory);
    expect(r).toMatchObject({
      node: 'fs1',
      path: '/var/lib/hakit/cib.xml',
      validator: 'crm_verify',
      status: 'failed',
    });
    expect(r!.message).toMatch(/no-such-rsc/);
  });

  it('drbdadm: an invalid protocol', async () => {
    const { loaded, files } = await production();
    const f = pick(files, 'fs2', 'drbd');
    const [r] = await validateFiles(
      [{ ...f, content: f.content.replace('protocol C;', 'protocol Q;') }],
      loaded.inventory,
    );
    expect(r).toMatchObject({ node: 'fs2', validator: 'drbdadm dump', status: 'failed' });
    expect(r!.message).toMatch(/protocol/i);
  });

  it('mariadbd: an unknown option in galera.cnf', async () => {
    const { loaded, files } = await production();
    const f = pick(files, 'db1', 'galera');
    const [r] = await validateFiles(
      [{ ...f, content: `${f.content}wsrep_bogus_option=1\n` }],
      loaded.inventory,
    );
    expect(r).toMatchObject({ validator: 'mariadbd --help', status: 'failed' });
    expect(r!.message).toMatch(/unknown variable 'wsrep_bogus_option/);
  });

  it('keepalived: an instance without virtual_router_id', async () => {
    const loaded = await loadInventory('inventories/staging.example.yaml');
    const f = renderNodeFiles(loaded, { secrets: 'mask' }).find((x) => x.kind === 'keepalived')!;
    const [r] = await validateFiles(
      [{ ...f, content: f.content.replace(/ {4}virtual_router_id 51\n/, '') }],
      loaded.inventory,
    );
    expect(r).toMatchObject({ validator: 'keepalived -t', status: 'failed' });
    expect(r!.message).toMatch(/virtual router id must be set/);
  });
});

describe('a validator that is not installed', () => {
  const empty = mkdtempSync(join(tmpdir(), 'hakit-nopath-'));
  afterAll(() => rmSync(empty, { recursive: true, force: true }));

  it('is reported as skipped and named, never as passed', async () => {
    const { loaded, files } = await production();
    const results = await validateFiles(
      files.filter((f) => f.node === 'db1'),
      loaded.inventory,
      { path: empty },
    );
    const haproxy = results.find((r) => r.kind === 'haproxy')!;
    expect(haproxy).toMatchObject({ validator: 'haproxy -c', status: 'skipped' });
    expect(haproxy.message).toMatch(/haproxy is not installed/);
    expect(results.filter((r) => r.status === 'passed')).toEqual([]);
  });
});

describe('concurrency', () => {
  it('runs with a bound of 1 as well as the default (same results)', async () => {
    const loaded = parseInventory(
      'inventories/staging.example.yaml',
      readFileSync('inventories/staging.example.yaml', 'utf8'),
    );
    const files = renderNodeFiles(loaded, { secrets: 'mask' });
    const one = await validateFiles(files, loaded.inventory, { concurrency: 1 });
    const two = await validateFiles(files, loaded.inventory);
    expect(one).toEqual(two);
  });
});
