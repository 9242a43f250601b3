import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { sitePlaybookPath } from '../../src/cli/commands/bootstrap.js';
import { type PlaybookCommandOptions, runPlaybookCommand } from '../../src/cli/commands/run.js';
import type { HakitEvent, HostRecap } from '../../src/events/types.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { useSandbox } from '../support/sandbox-fixture.js';
import { sshCli } from '../support/ssh-cli.js';

/**
 * `hakit run` / `hakit bootstrap` against three real sandbox hosts (systemd + sshd, host keys verified).
 * Playbooks are written into the sandbox directory, so they are removed with it.
 */
const sandbox = useSandbox({ nodes: 3, name: 'playbook' });

interface Captured {
  code: number;
  text: string;
  events: HakitEvent[];
  recap: Record<string, HostRecap>;
  ms: number;
}

async function run(
  opts: Omit<PlaybookCommandOptions, 'out' | 'output'> & { output?: 'plain' | 'json' },
): Promise<Captured> {
  let text = '';
  const out = { isTTY: false, write: (s: string) => (text += s) };
  const started = Date.now();
  const code = await runPlaybookCommand({ output: 'json', ...opts, out });
  const ms = Date.now() - started;
  const events =
    (opts.output ?? 'json') === 'json'
      ? text
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as HakitEvent)
      : [];
  const end = events.find((e) => e.type === 'run.end') as
    | Extract<HakitEvent, { type: 'run.end' }>
    | undefined;
  return { code, text, events, recap: end?.recap ?? {}, ms };
}

async function writePlaybook(sb: Sandbox, name: string, yaml: string): Promise<string> {
  const p = join(sb.dir, name);
  await writeFile(p, yaml);
  return p;
}

async function onAll(sb: Sandbox, command: string): Promise<string[]> {
  return Promise.all(
    sb.nodes.map(async (n) => {
      const r = await sshCli(sb, n.name, command);
      expect(r.stderr).toBe('');
      return r.stdout;
    }),
  );
}

/** Digests of everything the test playbooks and the bootstrap touch, per host. */
const DIGEST_CMD =
  'cd /etc && sha256sum hosts chrony/chrony.conf 2>&1; ls -la --time-style=+%s /etc/hakit-it 2>&1; ' +
  'find /etc/hakit-it -type f -exec sha256sum {} + 2>/dev/null | sort';

const FILES_PLAYBOOK = `
- name: files
  hosts: all
  tasks:
    - name: directory
      file: {path: /etc/hakit-it, state: directory, mode: "0755"}
    - name: rendered file
      copy:
        dest: /etc/hakit-it/node.conf
        content: |
          name={{ host }}
          address={{ node.address }}
          peers={{#each nodes}}{{name}} {{/each}}
      notify: restart thing
    - name: same content, notifies another handler
      copy:
        dest: /etc/hakit-it/static.conf
        content: "static\\n"
      notify: [restart thing, reload other]
    - name: a line
      lineinfile: {path: /etc/hakit-it/extra.conf, line: "managed=yes", create: true}
  handlers:
    - name: reload other
      shell: {cmd: "echo reload >> /etc/hakit-it/other.log"}
    - name: restart thing
      shell: {cmd: "echo restart >> /etc/hakit-it/handler.log"}
`;

describe('hakit run / bootstrap against sandbox hosts', () => {
  it('bootstrap: a first run changes every host, a second run reports changed=0 on every host', async () => {
    const sb = sandbox();
    const first = await run({ playbook: sitePlaybookPath(), inventory: sb.inventoryPath });
    expect(first.code, first.text.slice(-3000)).toBe(0);
    for (const n of sb.nodes) expect(first.recap[n.name]?.changed).toBeGreaterThan(0);
    const hosts = await onAll(sb, 'cat /etc/hosts');
    for (const h of hosts) {
      expect(h).toContain('# BEGIN hakit managed block: cluster nodes');
      for (const n of sb.nodes) expect(h).toContain(`${n.address} ${n.name}`);
    }
    const chrony = await onAll(sb, 'cat /etc/chrony/chrony.conf');
    for (const c of chrony) expect(c).toContain('Managed by hakit');

    const second = await run({ playbook: sitePlaybookPath(), inventory: sb.inventoryPath });
    expect(second.code, second.text.slice(-3000)).toBe(0);
    for (const n of sb.nodes) {
      expect(second.recap[n.name]).toMatchObject({ changed: 0, failed: 0, unreachable: 0 });
      expect(second.recap[n.name]?.ok).toBeGreaterThan(0);
    }
    process.stderr.write(
      `[measure] bootstrap on 3 hosts: first run ${first.ms} ms, no-op rerun ${second.ms} ms\n`,
    );
  });

  it('--check changes nothing on the hosts (same digests before and after), then a real run does', async () => {
    const sb = sandbox();
    const pb = await writePlaybook(sb, 'files.yaml', FILES_PLAYBOOK);
    const before = await onAll(sb, DIGEST_CMD);
    const check = await run({ playbook: pb, inventory: sb.inventoryPath, check: true, diff: true });
    expect(check.code, check.text.slice(-3000)).toBe(0);
    for (const n of sb.nodes) expect(check.recap[n.name]?.changed).toBeGreaterThan(0);
    const planned = check.events.filter((e) => e.type === 'task.host' && e.status === 'changed');
    expect(planned.some((e) => e.type === 'task.host' && (e.plan?.length ?? 0) > 0)).toBe(true);
    // Handlers notified by would-be changes are planned too, and change nothing either.
    expect(await onAll(sb, DIGEST_CMD)).toEqual(before);

    const real = await run({ playbook: pb, inventory: sb.inventoryPath });
    expect(real.code, real.text.slice(-3000)).toBe(0);
    expect(await onAll(sb, DIGEST_CMD)).not.toEqual(before);
  });

  it('handlers run once, at the end, only when notified by a change', async () => {
    const sb = sandbox();
    const pb = await writePlaybook(sb, 'files.yaml', FILES_PLAYBOOK);
    // The previous test applied the playbook once: both handlers ran exactly once per host.
    expect(await onAll(sb, 'cat /etc/hakit-it/handler.log')).toEqual(['restart\n', 'restart\n', 'restart\n']);
    expect(await onAll(sb, 'cat /etc/hakit-it/other.log')).toEqual(['reload\n', 'reload\n', 'reload\n']);

    // Change one file on node2 only: only node2's "restart thing" runs again; nothing notifies "reload other".
    await sshCli(sb, 'node2', 'echo drift > /etc/hakit-it/node.conf');
    const r = await run({ playbook: pb, inventory: sb.inventoryPath });
    expect(r.code, r.text.slice(-3000)).toBe(0);
    expect(await onAll(sb, 'cat /etc/hakit-it/handler.log')).toEqual([
      'restart\n',
      'restart\nrestart\n',
      'restart\n',
    ]);
    expect(await onAll(sb, 'cat /etc/hakit-it/other.log')).toEqual(['reload\n', 'reload\n', 'reload\n']);
    const handlerStarts = r.events.filter((e) => e.type === 'task.start' && e.handler);
    expect(handlerStarts).toMatchObject([{ task: 'restart thing', hosts: ['node2'] }]);
  });

  it("a failing task stops that host, and its command's stderr reaches the recap (exit 4)", async () => {
    const sb = sandbox();
    const pb = await writePlaybook(
      sb,
      'fail.yaml',
      `
- hosts: all
  tasks:
    - name: may fail
      shell: {cmd: "echo 'disk quota exceeded on {{ host }}' >&2; exit 3"}
      when: host == 'node2'
    - name: afterwards
      shell: {cmd: "touch /etc/hakit-it/after-failure"}
`,
    );
    await onAll(sb, 'rm -f /etc/hakit-it/after-failure');
    const r = await run({ playbook: pb, inventory: sb.inventoryPath, output: 'plain' });
    expect(r.code, r.text.slice(-3000)).toBe(4);
    const recap = r.text.slice(r.text.indexOf('FAILURES'));
    expect(recap).toContain('node2: task "may fail"');
    expect(recap).toContain('exit code: 3');
    expect(recap).toContain('disk quota exceeded on node2');
    expect(recap).toMatch(/RECAP[\s\S]*node2\s+ok=0\s+changed=0\s+failed=1/);
    expect(await onAll(sb, 'test -e /etc/hakit-it/after-failure && echo yes || echo no')).toEqual([
      'yes\n',
      'no\n',
      'yes\n',
    ]);
  });

  it('a wrong host key is refused before anything changes (exit 3)', async () => {
    const sb = sandbox();
    // known_hosts where node1's address carries node2's key.
    const kh = await readFile(sb.knownHostsPath, 'utf8');
    const [n1, n2] = sb.nodes as [Sandbox['nodes'][0], Sandbox['nodes'][0]];
    const lines = kh.split('\n').filter(Boolean);
    const n2Keys = lines
      .filter((l) => l.split(' ')[0] === n2.address)
      .map((l) => l.split(' ').slice(1).join(' '));
    expect(n2Keys.length).toBeGreaterThan(0);
    const forged = [
      ...lines.filter((l) => l.split(' ')[0] !== n1.address),
      ...n2Keys.map((k) => `${n1.address} ${k}`),
    ].join('\n');
    await writeFile(join(sb.dir, 'known_hosts.forged'), `${forged}\n`);
    const inv = parse(await readFile(sb.inventoryPath, 'utf8'));
    inv.defaults.ssh.known_hosts = 'known_hosts.forged';
    const invPath = join(sb.dir, 'inventory.forged.yaml');
    await writeFile(invPath, stringify(inv));
    const pb = await writePlaybook(
      sb,
      'marker.yaml',
      '- hosts: all\n  tasks:\n    - shell: {cmd: "touch /root/marker-hostkey"}\n',
    );
    const r = await run({ playbook: pb, inventory: invPath, output: 'plain' });
    expect(r.code, r.text.slice(-3000)).toBe(3);
    expect(r.text).toMatch(/node1: unreachable: .*host key/i);
    expect(await onAll(sb, 'test -e /root/marker-hostkey && echo yes || echo no')).toEqual([
      'no\n',
      'no\n',
      'no\n',
    ]);
  });

  it('an unreachable host stops the run before any change (exit 3); ignore_unreachable lets the rest run', async () => {
    const sb = sandbox();
    const inv = parse(await readFile(sb.inventoryPath, 'utf8'));
    // A fourth node on the sandbox's own network, at an address no container has.
    const ghost = (sb.nodes[0] as { address: string }).address.replace(/\.\d+$/, '.249');
    expect(sb.nodes.map((n) => n.address)).not.toContain(ghost);
    inv.nodes.push({ name: 'ghost', links: [ghost], roles: ['haproxy'], ssh: { connect_timeout: 2 } });
    const invPath = join(sb.dir, 'inventory.ghost.yaml');
    await writeFile(invPath, stringify(inv));
    const pb = await writePlaybook(
      sb,
      'marker2.yaml',
      '- hosts: all\n  tasks:\n    - shell: {cmd: "touch /root/marker-unreachable"}\n',
    );
    const r = await run({ playbook: pb, inventory: invPath });
    expect(r.code, r.text.slice(-3000)).toBe(3);
    expect(r.recap.ghost).toMatchObject({ unreachable: 1 });
    expect(r.events.some((e) => e.type === 'task.start')).toBe(false);
    expect(await onAll(sb, 'test -e /root/marker-unreachable && echo yes || echo no')).toEqual([
      'no\n',
      'no\n',
      'no\n',
    ]);

    const tolerant = await writePlaybook(
      sb,
      'marker3.yaml',
      '- hosts: all\n  ignore_unreachable: true\n  tasks:\n    - shell: {cmd: "touch /root/marker-unreachable"}\n',
    );
    const r2 = await run({ playbook: tolerant, inventory: invPath });
    expect(r2.code, r2.text.slice(-3000)).toBe(0);
    expect(await onAll(sb, 'test -e /root/marker-unreachable && echo yes || echo no')).toEqual([
      'yes\n',
      'yes\n',
      'yes\n',
    ]);
  });

  it('a bad playbook exits 2 before contacting any host', async () => {
    const sb = sandbox();
    const pb = await writePlaybook(sb, 'bad.yaml', '- hosts: all\n  tasks:\n    - shel: {cmd: "true"}\n');
    await expect(run({ playbook: pb, inventory: sb.inventoryPath })).rejects.toMatchObject({
      exitCode: 2,
      diagnostics: [
        { line: 3, column: 7, message: 'unknown key or operation "shel" — did you mean "shell"?' },
      ],
    });
  });
});
