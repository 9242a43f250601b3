import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RestartScriptInput, restartScript } from '../../../src/components/galera/restart-script.js';
import { galeraView } from '../../../src/components/galera/view.js';
import { loadInventory } from '../../../src/inventory/load.js';
import { compileTemplate, createHandlebars } from '../../../src/render/handlebars-env.js';
import { DEBIAN_LAYOUT } from '../../../src/render/layout.js';

/**
 * The rolling restart's handshake, run for real in sh: the restart script of one member against the clustercheck
 * script rendered from its template, which two simulated HAProxies call every 100 ms with REMOTE_ADDR set as
 * systemd's socket activation sets it. `mariadb`, `mysql`, `systemctl` and `journalctl` are small fakes reading
 * and writing a state file (the server's wsrep state). What must hold: the server is restarted only after every
 * HAProxy counted `fall` 503 answers (drained), the script returns only after every HAProxy counted `rise` 200
 * answers after the restart, the drain file is gone at the end (and on failure), and a member of an
 * incomplete cluster is refused before anything changes.
 */

let dir: string;
let bin: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hakit-galera-restart-'));
  bin = join(dir, 'bin');
  mkdirSync(bin);
  // state: "CLUSTER_STATUS LOCAL_STATE SIZE READ_ONLY"
  writeFileSync(join(dir, 'state'), 'Primary Synced 3 0\n');
  const fake = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/sh\nS=${dir}/state\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  // mariadb (root, the restart's status queries): the three wsrep variables, tab-separated.
  fake(
    'mariadb',
    `[ -f ${dir}/down ] && { echo "ERROR 2002 (HY000): Can't connect" >&2; exit 1; }
read -r st ls sz ro < $S
printf 'wsrep_cluster_size\\t%s\\nwsrep_cluster_status\\t%s\\nwsrep_local_state_comment\\t%s\\n' "$sz" "$st" "$ls"`,
  );
  // mysql (clustercheck): wsrep_local_state as a number, and read_only.
  fake(
    'mysql',
    `[ -f ${dir}/down ] && exit 1
read -r st ls sz ro < $S
case "$ls" in Synced) n=4 ;; Donor/Desynced) n=2 ;; Joined) n=3 ;; *) n=1 ;; esac
printf 'wsrep_local_state\\t%s\\nread_only\\t%s\\n' "$n" "$ro"`,
  );
  // systemctl restart: records, per checker address, how many 503s it had answered; then the server is down a
  // moment, comes back Joined, and Synced (the fake mariadb reads that) — or fails when asked to.
  fake(
    'systemctl',
    `case "$1" in
  restart) [ -f ${dir}/fail-restart ] && exit 1
    cp ${dir}/answers ${dir}/answers-at-restart 2>/dev/null || : > ${dir}/answers-at-restart
    date +%s%N > ${dir}/restarted-at
    touch ${dir}/down; sed -i 's/Synced/Joined/' $S; rm -f ${dir}/down; sed -i 's/Joined/Synced/' $S ;;
  is-failed) exit 1 ;;
esac`,
  );
  fake('journalctl', `echo "2026-12-03 [ERROR] WSREP: fake failure to start"`);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function clustercheck(opts: { donor?: boolean } = {}): Promise<string> {
  const loaded = await loadInventory('inventories/sandbox.yaml');
  const node = loaded.inventory.nodes[0]!;
  const view = galeraView(loaded.inventory, node, DEBIAN_LAYOUT);
  const path = join(dir, 'clustercheck');
  const tpl = readFileSync('templates/clustercheck.sh.hbs', 'utf8');
  writeFileSync(
    path,
    compileTemplate(
      createHandlebars(),
      tpl,
    )({
      ...view,
      check: {
        ...view.check,
        available_when_donor: opts.donor ?? false,
        credentials: join(dir, 'creds'),
        drain_file: join(dir, 'drain'),
        drain_answers: join(dir, 'answers'),
      },
    }),
  );
  chmodSync(path, 0o755);
  return path;
}

const env = () => ({ ...process.env, PATH: `${bin}:${process.env.PATH}` });

function ask(check: string, addr: string): string {
  const r = spawnSync('sh', [check], {
    input: 'GET / HTTP/1.0\r\n\r\n',
    env: { ...env(), REMOTE_ADDR: addr },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`clustercheck exit ${r.status}: ${r.stderr}`);
  return r.stdout.split(' ')[1] ?? '';
}

const input = (over: Partial<RestartScriptInput> = {}): RestartScriptInput => ({
  node: 'node1',
  expectedSize: 3,
  checkers: [
    { name: 'node1', addresses: ['10.213.0.11'] },
    { name: 'node2', addresses: ['10.213.0.12', '10.213.1.12'] },
  ],
  fall: 2,
  rise: 2,
  checkerWaitS: 20,
  syncTimeoutS: 20,
  drain: { dir, file: join(dir, 'drain'), answers: join(dir, 'answers') },
  ...over,
});

/** Runs the restart script while the given addresses call clustercheck every 100 ms (bounded: 600 calls each). */
async function restartWithCheckers(
  i: RestartScriptInput,
  addrs: string[],
): Promise<{ code: number | null; stdout: string; stderr: string; seen: Map<string, string[]> }> {
  const check = await clustercheck();
  const seen = new Map(addrs.map((a) => [a, [] as string[]]));
  let done = false;
  const loops = addrs.map(async (a) => {
    for (let n = 0; n < 600 && !done; n++) {
      seen.get(a)!.push(ask(check, a));
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  const child = spawn('sh', ['-c', restartScript(i)], { env: env() });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  done = true;
  await Promise.all(loops);
  return { code, stdout, stderr, seen };
}

describe('galera_restart: drain, restart, back in HAProxy (real sh, rendered clustercheck)', () => {
  it('restarts only after every HAProxy counted `fall` 503s, returns only after each counted `rise` 200s', async () => {
    const r = await restartWithCheckers(input(), ['10.213.0.11', '10.213.1.12']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/HAProxy on node1 node2: node1 DOWN \(drained\)/);
    expect(r.stdout).toMatch(/Primary, Synced, cluster size 3/);
    expect(r.stdout).toMatch(/HAProxy on node1 node2: node1 UP again/);
    const atRestart = readFileSync(join(dir, 'answers-at-restart'), 'utf8');
    // node2's checks came from its second link: counted for node2 all the same.
    for (const a of ['10.213.0.11', '10.213.1.12'])
      expect(atRestart.split('\n').filter((l) => l === `${a} 503`).length, atRestart).toBeGreaterThanOrEqual(
        2,
      );
    expect(atRestart).not.toMatch(/ 200$/m);
    // Every checker's answers: 200 before, 503 while draining, 200 again at the end.
    for (const [a, codes] of r.seen) {
      expect(codes.join(' '), a).toMatch(/503( 503)+.* 200 200$/);
    }
    expect(existsSync(join(dir, 'drain')), 'drain file left behind').toBe(false);
    expect(existsSync(join(dir, 'answers')), 'answers file left behind').toBe(false);
  });

  it('an HAProxy that never checks is named in a note and not waited for beyond the bound', async () => {
    const i = input({
      checkerWaitS: 2,
      checkers: [...input().checkers, { name: 'node3', addresses: ['10.213.0.13'] }],
    });
    const r = await restartWithCheckers(i, ['10.213.0.11', '10.213.0.12']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/note: no health check from node3 within 2 s/);
    expect(existsSync(join(dir, 'restarted-at'))).toBe(true);
  });

  it('refuses a member of an incomplete cluster: nothing drained, nothing restarted', async () => {
    writeFileSync(join(dir, 'state'), 'Primary Synced 2 0\n');
    const r = await restartWithCheckers(input(), ['10.213.0.11']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/refusing to restart node1: it is Primary\/Synced in a cluster of 2 .*all 3/);
    expect(existsSync(join(dir, 'restarted-at'))).toBe(false);
    expect(r.seen.get('10.213.0.11')).not.toContain('503');
  });

  it('a failed restart fails the step with the server journal lines, and the drain file is removed', async () => {
    writeFileSync(join(dir, 'fail-restart'), '');
    const r = await restartWithCheckers(input(), ['10.213.0.11', '10.213.0.12']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /node1: systemctl restart mariadb failed; the server says:\n.*\[ERROR\] WSREP: fake failure/,
    );
    expect(existsSync(join(dir, 'drain'))).toBe(false);
  });
});

describe('clustercheck (rendered template, real sh)', () => {
  it('200 only when Synced and writable; a read-only or joining node 503', async () => {
    const check = await clustercheck();
    expect(ask(check, '10.0.0.1')).toBe('200');
    writeFileSync(join(dir, 'state'), 'Primary Synced 3 1\n');
    expect(ask(check, '10.0.0.1')).toBe('503');
    writeFileSync(join(dir, 'state'), 'Primary Joined 3 0\n');
    expect(ask(check, '10.0.0.1')).toBe('503');
    writeFileSync(join(dir, 'down'), '');
    expect(ask(check, '10.0.0.1')).toBe('503');
  });

  it('a donor answers 200 only with galera.check_available_when_donor', async () => {
    writeFileSync(join(dir, 'state'), 'Primary Donor/Desynced 3 0\n');
    expect(ask(await clustercheck(), '10.0.0.1')).toBe('503');
    expect(ask(await clustercheck({ donor: true }), '10.0.0.1')).toBe('200');
  });

  it('an expired drain file is ignored (an interrupted restart never keeps the node out)', async () => {
    const check = await clustercheck();
    writeFileSync(join(dir, 'drain'), `${Math.floor(Date.now() / 1000) - 5} drain\n`);
    expect(ask(check, '10.0.0.1')).toBe('200');
    expect(existsSync(join(dir, 'answers'))).toBe(false);
    writeFileSync(join(dir, 'drain'), `${Math.floor(Date.now() / 1000) + 60} drain\n`);
    expect(ask(check, '::ffff:10.0.0.1')).toBe('503');
    expect(readFileSync(join(dir, 'answers'), 'utf8')).toBe('10.0.0.1 503\n');
  });
});
