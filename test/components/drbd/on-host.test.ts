import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadInventory, parseInventory } from '../../../src/inventory/load.js';
import type { RenderedFile } from '../../../src/render/types.js';
import { renderNodeFiles } from '../../../src/state/render-files.js';

/**
 * What runs on a DRBD member, run here with the REAL drbdadm (Debian's drbd-utils 9.22; no kernel module, so
 * nothing replicates): the on-host validator of the resource file (`drbdadm -c FILE dump RES`, as the host
 * itself: no __DRBD_NODE__), and dry runs (`drbdadm -d`) of the commands drbd_init and drbd_initial_primary plan.
 */
const dir = mkdtempSync(join(tmpdir(), 'hakit-drbd-host-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** drbdadm must be here (Debian package drbd-utils, installed by scripts/ensure-test-tools.sh): never skipped. */
it('drbdadm (drbd-utils) is installed on this machine', () => {
  const r = spawnSync('sh', ['-c', 'command -v drbdadm'], { encoding: 'utf8' });
  expect(r.status, 'drbdadm missing: install drbd-utils (scripts/ensure-test-tools.sh does)').toBe(0);
});

function write(f: RenderedFile): string {
  const p = join(dir, `${f.node}-${f.path.split('/').pop()}`);
  writeFileSync(p, f.content);
  return p;
}

/**
 * Runs a shell command; drbd-utils' noise about modinfo/modprobe and __DRBD_NODE__ is dropped from stderr. With
 * `host`, it runs in a UTS namespace of its own whose host name is `host` (drbdadm reads the file as that host,
 * as it does on a member: uname -n, no __DRBD_NODE__), whatever this machine is called.
 */
function sh(cmd: string, env: Record<string, string> = {}, host?: string) {
  const argv = host
    ? ['unshare', '--map-root-user', '--uts', 'sh', '-c', `hostname ${host} && ${cmd}`]
    : ['sh', '-c', cmd];
  const r = spawnSync(argv[0] as string, argv.slice(1), {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  const err = r.stderr
    .split('\n')
    .filter(
      (l) =>
        l.trim() !== '' &&
        !/modinfo: not found|modprobe|__DRBD_NODE__|PRETENDING|not found on this host|in resource \S+, on \S+:$/.test(
          l,
        ),
    )
    .join('\n');
  return { code: r.status, out: r.stdout, err };
}

/** The validate command of the file spec, as config_file runs it on the temp file. */
const validate = (f: RenderedFile, path: string) => (f.validate ?? '').split('%s').join(path);

async function productionShared() {
  const loaded = await loadInventory('inventories/production.example.yaml');
  const files = renderNodeFiles(loaded, { secrets: 'mask' }).filter((f) => f.kind === 'drbd');
  return files;
}

describe('the resource file on the host', () => {
  it('is validated with drbdadm -c FILE dump RES: a host not named in the resource is rejected', async () => {
    const [fs1] = await productionShared();
    expect(fs1).toMatchObject({ node: 'fs1', path: '/etc/drbd.d/shared.res', owner: 'root' });
    expect(fs1!.validate).toBe('drbdadm -c %s dump shared');
    // A host that is not fs1: what the target says when its own name is not the inventory's.
    const r = sh(validate(fs1!, write(fs1!)), {}, 'not-fs1');
    expect(r.code).toBe(1);
    expect(r.err).toBe("'shared' not defined in your config (for this host).");
  });

  const me = 'hakit-drbd-test';
  it('passes on a host named in the resource whose address is its own (a host named hakit-drbd-test, 127.0.0.1)', async () => {
    const yaml = readFileSync('inventories/sandbox.yaml', 'utf8')
      .replace(/name: node1\n(\s+)links: \[[^\]]*\]/, `name: ${me}\n$1links: [127.0.0.1]`)
      .replaceAll('node1', me)
      .replaceAll('roles: [pacemaker, haproxy, galera]', 'roles: [pacemaker, haproxy, galera, drbd]');
    const loaded = parseInventory(
      'local.yaml',
      `${yaml}\ndrbd:\n  resources:\n    - name: r0\n      device: /dev/drbd0\n      disk: /dev/vdb\n      members: [${me}, node2]\n`,
    );
    const f = renderNodeFiles(loaded, { secrets: 'mask' }).find((x) => x.kind === 'drbd' && x.node === me);
    const r = sh(validate(f!, write(f!)), {}, me);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`on ${me} {`);
    // A broken file is rejected with drbdadm's own message.
    const bad = { ...f!, content: f!.content.replace('protocol C;', 'protocol Q;') };
    const rb = sh(validate(bad, write({ ...bad, node: `${me}-bad` })), {}, me);
    expect(rb.code).not.toBe(0);
    expect(rb.err).toMatch(/protocol/i);
  });
});

describe('drbdadm dry runs (-d) of the planned commands, read as fs1', () => {
  const asFs1 = { __DRBD_NODE__: 'fs1' };

  it('2 nodes: create-md --force, up, primary --force, secondary', async () => {
    const [fs1] = await productionShared();
    const c = `-c ${write(fs1!)}`;
    expect(sh(`drbdadm ${c} -d create-md --force shared`, asFs1).out).toBe(
      'drbdmeta 1 v09 /dev/vg_shared/shared internal create-md 1 --force\n',
    );
    expect(sh(`drbdadm ${c} -d up shared`, asFs1)).toEqual({
      code: 0,
      err: '',
      out: [
        'drbdsetup new-resource shared 0',
        'drbdsetup new-minor shared 1 0',
        'drbdsetup new-peer shared 1 --_name=fs2 --fencing=resource-and-stonith --protocol=C',
        'drbdsetup new-path shared 1 ipv4:10.41.0.21:7790 ipv4:10.41.0.22:7790',
        'drbdmeta 1 v09 /dev/vg_shared/shared internal apply-al',
        'drbdsetup attach 1 /dev/vg_shared/shared /dev/vg_shared/shared internal',
        'drbdsetup connect shared 1',
        '',
      ].join('\n'),
    });
    expect(sh(`drbdadm ${c} -d primary --force shared`, asFs1).out).toBe(
      'drbdsetup primary shared --force\n',
    );
    expect(sh(`drbdadm ${c} -d secondary shared`, asFs1).out).toBe('drbdsetup secondary shared\n');
  });

  it('3 nodes (connection mesh): metadata for 2 peers, two peers and paths', () => {
    const yaml = readFileSync('inventories/sandbox.yaml', 'utf8').replaceAll(
      'roles: [pacemaker, haproxy, galera]',
      'roles: [pacemaker, haproxy, galera, drbd]',
    );
    const loaded = parseInventory(
      'mesh.yaml',
      `${yaml}\ndrbd:\n  resources:\n    - name: r9\n      device: /dev/drbd9\n      disk: /dev/vdb\n      members: [node1, node2, node3]\n`,
    );
    const f = renderNodeFiles(loaded, { secrets: 'mask' }).find(
      (x) => x.kind === 'drbd' && x.node === 'node1',
    );
    const c = `-c ${write(f!)}`;
    const env = { __DRBD_NODE__: 'node1' };
    expect(sh(`drbdadm ${c} -d create-md --force r9`, env).out).toBe(
      'drbdmeta 9 v09 /dev/vdb internal create-md 2 --force\n',
    );
    const up = sh(`drbdadm ${c} -d up r9`, env);
    expect(up.code).toBe(0);
    expect(up.out.match(/^drbdsetup new-peer r9 \d+ --_name=node[23] /gm)).toHaveLength(2);
    expect(up.out.match(/^drbdsetup connect r9 \d+$/gm)).toHaveLength(2);
  });

  it('without the kernel module, the real commands fail as on a host without DRBD (what a run would report)', () => {
    const r = sh('drbdsetup status shared --json');
    expect(r.code).toBe(20);
  });
});
