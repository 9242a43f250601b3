import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { malformedCases } from '../inventory/malformed-cases.js';
import { ensureBuilt, hakit, ROOT } from '../support/cli.js';

/**
 * Bad input through the real CLI: exit 2, `file:line:column: error: path: message` on stderr, and no host
 * contacted — proven with a loopback listener that stands in for every node's sshd and must see no connection.
 */
let server: Server;
let port = 0;
let connections = 0;
const tmp = mkdtempSync(join(tmpdir(), 'hakit-bad-input-'));

beforeAll(async () => {
  ensureBuilt();
  server = createServer((sock) => {
    connections++;
    sock.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
}, 180_000);

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(tmp, { recursive: true, force: true });
});

describe('hakit check on every malformed inventory', () => {
  it('exits 2 and prints file:line:column, the field path and the message', async () => {
    const dir = 'test/inventory/fixtures/malformed';
    const results = [];
    // Bounded concurrency: 2 cores.
    for (let i = 0; i < malformedCases.length; i += 4) {
      const batch = malformedCases.slice(i, i + 4);
      results.push(
        ...(await Promise.all(
          batch.map(async ([file, line, column, path, fragment]) => ({
            file,
            expected: `${dir}/${file}:${line}:${column}: error: ${path ? `${path}: ` : ''}`,
            fragment,
            r: await hakit(['check', '-i', `${dir}/${file}`]),
          })),
        )),
      );
    }
    for (const { file, expected, fragment, r } of results) {
      expect(r.code, `${file}: ${r.stderr}`).toBe(2);
      const line = r.stderr.split('\n').find((l) => l.startsWith(expected));
      expect(line, `${file}: expected a line starting with ${expected}\n${r.stderr}`).toBeDefined();
      expect(line).toContain(fragment);
      expect(r.stderr).toContain('no host was contacted');
      expect(r.stdout).toBe('');
    }
  }, 300_000);
});

describe('no host is contacted on bad input', () => {
  const inventory = () => `cluster:
  name: t
defaults:
  ssh:
    host: 127.0.0.1
    port: ${port}
    user: root
nodes:
  - name: a
    links: [10.1.0.1]
    ssh: { host: 127.0.0.1, port: ${port} }
  - name: b
    links: [10.1.0.2]
    ssh: { host: 127.0.0.1, port: ${port} }
  - name: c
    links: [10.1.0.3]
    ssh: { host: 127.0.0.1, port: ${port} }
pacemaker:
  properties:
    stonith-enabled: false
  resources:
    - type: ipaddr2
      id: vip
      ip: 10.1.0.100
  constraints:
    colocation:
      - { resource: vip, with: haproxy-clone }
`;

  it('bootstrap, run and check exit 2 before any connection', async () => {
    // `defaults.ssh.host` is not a valid key (schema error) — fix that, keep the semantic error.
    const text = inventory().replace('    host: 127.0.0.1\n    port', '    port');
    const inv = join(tmp, 'inv.yaml');
    writeFileSync(inv, text);
    const playbook = join(tmp, 'play.yaml');
    writeFileSync(
      playbook,
      '- name: p\n  hosts: all\n  tasks:\n    - name: t\n      command: { cmd: "true" }\n',
    );
    connections = 0;
    for (const args of [
      ['bootstrap', '-i', inv],
      ['run', playbook, '-i', inv],
      ['check', '-i', inv],
    ]) {
      const r = await hakit(args, { cwd: ROOT });
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(2);
      const line = text.split('\n').findIndex((l) => l.includes('with: haproxy-clone')) + 1;
      expect(r.stderr).toContain(`${inv}:${line}:`);
      expect(r.stderr).toContain(
        'pacemaker.constraints.colocation[0].with: unknown resource "haproxy-clone"',
      );
    }
    expect(connections).toBe(0);
  }, 120_000);

  it('bootstrap --galera-bootstrap-node naming no Galera member exits 2 before any connection', async () => {
    const text = `${inventory()
      .replace('    host: 127.0.0.1\n    port', '    port')
      .replace('      - { resource: vip, with: haproxy-clone }\n', '')
      .replace('  constraints:\n    colocation:\n', '')}galera:\n  cluster_name: t\n  members: [a, b, c]\n`;
    const inv = join(tmp, 'galera.yaml');
    writeFileSync(inv, text);
    connections = 0;
    const cases: Array<[string, string]> = [
      [
        'nope',
        '--galera-bootstrap-node nope: no node nope in the inventory; name one of the Galera members: a, b, c',
      ],
    ];
    for (const [node, message] of cases) {
      const r = await hakit(['bootstrap', '-i', inv, '--galera-bootstrap-node', node], { cwd: ROOT });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`hakit: ${message}`);
    }
    const noGalera = join(tmp, 'no-galera.yaml');
    writeFileSync(noGalera, text.replace(/galera:\n[\s\S]*$/, ''));
    const r = await hakit(['bootstrap', '-i', noGalera, '--galera-bootstrap-node', 'a'], { cwd: ROOT });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('--galera-bootstrap-node a: the inventory has no galera section');
    const missing = await hakit(['bootstrap', '-i', inv, '--galera-bootstrap-node'], { cwd: ROOT });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("option '--galera-bootstrap-node <node>' argument missing");
    expect(connections).toBe(0);
  }, 120_000);

  it('the listener does see a connection when the inventory is valid (the probe works)', async () => {
    const text = inventory()
      .replace('    host: 127.0.0.1\n    port', '    port')
      .replace('      - { resource: vip, with: haproxy-clone }\n', '')
      .replace('  constraints:\n    colocation:\n', '');
    const inv = join(tmp, 'ok.yaml');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(tmp, 'id')]);
    writeFileSync(
      inv,
      text.replace('    user: root\n', `    user: root\n    key_file: ${join(tmp, 'id')}\n`),
    );
    connections = 0;
    const r = await hakit(['bootstrap', '-i', inv, '--output', 'plain'], { cwd: ROOT, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(3); // the fake sshd closes the socket: unreachable
    expect(connections).toBeGreaterThan(0);
    // The inventory switches STONITH off: the run says so, whatever happens next.
    expect(r.stdout).toMatch(
      /WARN .*ok\.yaml:\d+:\d+: warning: pacemaker\.properties\.stonith-enabled: STONITH is disabled by this inventory/,
    );
  }, 120_000);
});
