import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseJunit } from 'junit2json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, hakit, ROOT } from '../support/cli.js';

/**
 * `hakit verify` through the real CLI, without a cluster: a loopback listener stands in for every node's sshd
 * and closes each connection (the hosts are unreachable). The cluster cases are in test/cluster/verify.cases.ts.
 */
let server: Server;
let port = 0;
let connections = 0;
const tmp = mkdtempSync(join(tmpdir(), 'hakit-verify-cli-'));

beforeAll(async () => {
  ensureBuilt();
  server = createServer((sock) => {
    connections++;
    sock.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(tmp, 'id')]);
  writeFileSync(
    join(tmp, 'inv.yaml'),
    `cluster:
  name: t
defaults:
  ssh: { user: root, port: ${port}, key_file: ${join(tmp, 'id')} }
nodes:
${['a', 'b', 'c'].map((n, i) => `  - name: ${n}\n    links: [10.1.0.${i + 1}]\n    ssh: { host: 127.0.0.1 }`).join('\n')}
pacemaker:
  fencing:
    devices:
      - { id: f, agent: fence_dummy, fences: [a, b, c] }
  resources:
    - { type: ipaddr2, id: vip, ip: 10.1.0.100 }
`,
  );
  // The same cluster with a HAProxy frontend on the VIP (drills can aim at it), without Galera.
  writeFileSync(
    join(tmp, 'web.yaml'),
    `${readFileSync(join(tmp, 'inv.yaml'), 'utf8')}haproxy:
  frontends:
    - { name: web, bind: ['10.1.0.100:80'], default_backend: web }
  backends:
    - name: web
      servers:
        - { name: a, node: a, port: 8080 }
`,
  );
}, 180_000);

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(tmp, { recursive: true, force: true });
});

describe('hakit verify (CLI)', () => {
  it('an unknown drill, or a drill without what it needs, is refused before any host is contacted: exit 2', async () => {
    connections = 0;
    const unknown = await hakit(
      ['verify', '-i', join(tmp, 'inv.yaml'), '--drills', 'standby,crash-vip-holdr'],
      {
        cwd: ROOT,
      },
    );
    expect(unknown.code, unknown.stderr).toBe(2);
    expect(unknown.stderr).toMatch(
      /--drills: unknown drill 'crash-vip-holdr' \(did you mean 'crash-vip-holder'\?\); known: all, standby, .*Nothing was injected/,
    );
    const noFrontend = await hakit(['verify', '-i', join(tmp, 'inv.yaml'), '--drills', 'standby'], {
      cwd: ROOT,
    });
    expect(noFrontend.code, noFrontend.stderr).toBe(2);
    expect(noFrontend.stderr).toMatch(/no haproxy\.frontends entry binds 10\.1\.0\.100:PORT/);
    const noGalera = await hakit(['verify', '-i', join(tmp, 'web.yaml'), '--drills', 'kill-mariadbd'], {
      cwd: ROOT,
    });
    expect(noGalera.code, noGalera.stderr).toBe(2);
    expect(noGalera.stderr).toMatch(
      /--drills kill-mariadbd: needs Galera behind the VIP.*Nothing was injected/,
    );
    expect(connections).toBe(0);
  });

  it('drills on a cluster whose checks fail are refused after the checks: exit 8, nothing injected', async () => {
    connections = 0;
    const dir = join(tmp, 'refused');
    const r = await hakit(
      ['verify', '-i', join(tmp, 'web.yaml'), '--drills', 'all', '--output', 'plain', '--report-dir', dir],
      { cwd: ROOT, timeoutMs: 90_000 },
    );
    expect(r.code, r.stderr + r.stdout).toBe(8);
    expect(r.stdout).toMatch(
      /drills refused: \d+ health check\(s\) failed \(.*\); a drill starts only on a healthy cluster\. Nothing was injected\./,
    );
    expect(r.stdout).not.toMatch(/^DRILL /m);
    const json = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { drills: unknown[] };
    expect(json.drills).toEqual([]);
  }, 120_000);

  it('unreachable hosts fail every check that reads them (exit 7), and the reports say so', async () => {
    connections = 0;
    const dir = join(tmp, 'reports');
    const r = await hakit(['verify', '-i', join(tmp, 'inv.yaml'), '--output', 'plain', '--report-dir', dir], {
      cwd: ROOT,
      timeoutMs: 90_000,
    });
    expect(r.code, r.stderr + r.stdout).toBe(7);
    expect(connections).toBeGreaterThan(0);
    expect(r.stdout).toMatch(/^FAIL {2}corosync\.quorum/m);
    expect(r.stdout).toMatch(/^ {6}a: corosync does not answer \(systemctl start corosync\): unreachable: /m);
    expect(r.stdout).toMatch(/^VERIFY \(.*\): \d+ passed, \d+ failed/m);
    expect(r.stdout).toContain(`report: ${join(dir, 'junit.xml')}`);
    const junit = (await parseJunit(readFileSync(join(dir, 'junit.xml'), 'utf8'))) as {
      tests: number;
      failures: number;
    };
    const json = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as {
      checks: { id: string; status: string }[];
      summary: { exitCode: number };
    };
    // No Galera, no HAProxy in this inventory: their checks do not run.
    expect(json.checks.map((c) => c.id)).not.toContain('galera.cluster');
    expect(json.checks.map((c) => c.id)).not.toContain('haproxy.backends');
    expect(junit.tests).toBe(json.checks.length);
    expect(junit.failures).toBe(json.checks.filter((c) => c.status === 'fail').length);
    expect(junit.failures).toBeGreaterThan(5);
    expect(json.summary.exitCode).toBe(7);
  }, 120_000);
});
