/**
 * Facts and operations against a real host: a sandbox container (Debian 12, systemd as PID 1, real sshd),
 * reached only through the SSH connector. For each operation: the first plan is non-empty, running it
 * converges, and re-gathering the facts yields an empty plan. Also: the bind-mount fallback on /etc/hosts.
 *
 * The "executor" here is deliberately minimal (gather facts in one round trip, plan, run steps in order);
 * the real one lives in src/executor.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshConnector } from '../../src/connect/index.js';
import { batchFactCommand, parseFactBatch } from '../../src/facts/index.js';
import { getOperation, type Plan, unifiedDiff } from '../../src/ops/index.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { sandboxTarget, useSandbox } from '../support/sandbox-fixture.js';

const PUBKEY_A =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHakitTestKeyAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA alice@test';
const PUBKEY_B = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHakitOtherKeyBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB bob@test';

describe('operations against a real host (SSH, systemd)', () => {
  const getSandbox = useSandbox({ nodes: 1, name: 'ops' }); // package-cache image: apt installs from local .debs;
  let sb: Sandbox;
  let conn: SshConnector;

  /** Runs a command that must succeed; returns stdout. */
  async function sh(command: string): Promise<string> {
    const r = await conn.exec(command);
    if (r.exitCode !== 0) throw new Error(`'${command}' failed (${r.exitCode}): ${r.stderr}`);
    return r.stdout;
  }

  /** Gathers everything the operation asks for in ONE exec, then plans. */
  async function planFor(name: string, rawArgs: unknown, opts: { diff?: boolean } = {}): Promise<Plan> {
    const op = getOperation(name);
    const args = op.args.parse(rawArgs);
    const reqs = [...op.facts(args), ...(opts.diff && op.diffFacts ? op.diffFacts(args) : [])];
    let facts = new Map<string, unknown>();
    if (reqs.length) {
      const r = await conn.exec(batchFactCommand(reqs));
      facts = parseFactBatch(reqs, r.stdout);
    }
    return op.plan(args, facts);
  }

  async function run(plan: Plan): Promise<void> {
    for (const step of plan.steps) {
      if (step.kind === 'put') {
        await conn.putFile(step.path, step.content, step.mode);
        continue;
      }
      const r = await conn.exec(step.command, {
        ...(step.stdin !== undefined ? { stdin: step.stdin } : {}),
        ...(step.timeoutMs ? { timeoutMs: step.timeoutMs } : {}),
      });
      const ok = step.okCodes ?? [0];
      if (r.exitCode === null || !ok.includes(r.exitCode)) {
        throw new Error(`step failed (exit ${r.exitCode}): ${step.display ?? step.command}\n${r.stderr}`);
      }
    }
  }

  /** first plan non-empty → run → re-gathered plan empty. Returns the first plan. */
  async function converge(name: string, args: unknown, opts: { diff?: boolean } = {}): Promise<Plan> {
    const first = await planFor(name, args, opts);
    expect(first.steps.length, `${name}: first plan should act`).toBeGreaterThan(0);
    await run(first);
    const again = await planFor(name, args, opts);
    expect(again.steps, `${name}: second plan should be empty`).toEqual([]);
    return first;
  }

  beforeAll(async () => {
    sb = getSandbox();
    const node = sb.nodes[0]!;
    conn = new SshConnector(sandboxTarget(sb, node));
    await conn.connect();
    // Docker mounts /proc/sys read-only; the container may remount it (SYS_ADMIN) so network-namespaced
    // sysctls (which only affect this container) can be set like on a real server.
    await sh('mount -o remount,rw /proc/sys');
  });

  afterAll(async () => {
    await conn?.close();
  });

  it('gathers every fact in one round trip with values matching the host', async () => {
    const reqs = [
      { fact: 'os' },
      { fact: 'init' },
      { fact: 'package_manager' },
      { fact: 'selinux' },
      { fact: 'packages', args: { names: ['openssh-server', 'no-such-package-hakit'] } },
      { fact: 'units', args: { names: ['ssh.service', 'no-such-unit.service'] } },
      { fact: 'file', args: { path: '/etc/passwd' } },
      { fact: 'users', args: { names: ['root', 'no-such-user-hakit'] } },
      { fact: 'sysctl', args: { names: ['net.ipv4.tcp_keepalive_time'] } },
    ];
    const r = await conn.exec(batchFactCommand(reqs));
    expect(r.exitCode).toBe(0);
    const f = parseFactBatch(reqs, r.stdout);
    expect(f.get('os')).toMatchObject({ family: 'debian', id: 'debian', major: 12, codename: 'bookworm' });
    expect(f.get('init')).toEqual({ systemd: true, pid1: 'systemd' });
    expect(f.get('package_manager')).toBe('apt');
    expect(f.get('selinux')).toEqual({ state: 'absent', configured: null, configExists: false });
    // dpkg -s prints "Version: 1:9.2p1-2+deb12u…" (no dpkg-query format string to keep apart from JS).
    const dpkgVersion = /^Version: (.+)$/m.exec(await sh('dpkg -s openssh-server'))?.[1];
    expect(f.get('packages:{"names":["openssh-server","no-such-package-hakit"]}')).toEqual({
      'openssh-server': dpkgVersion,
      'no-such-package-hakit': null,
    });
    const units = f.get('units:{"names":["ssh.service","no-such-unit.service"]}') as {
      units: Record<string, { load: string; active: string; enabled: boolean }>;
    };
    expect(units.units['ssh.service']).toMatchObject({ load: 'loaded', active: 'active', enabled: true });
    expect(units.units['no-such-unit.service']).toMatchObject({ load: 'not-found', active: 'inactive' });
    const sha = (await sh('sha256sum /etc/passwd')).split(' ')[0];
    expect(f.get('file:{"path":"/etc/passwd"}')).toMatchObject({
      exists: true,
      type: 'file',
      mode: '0644',
      sha256: sha,
    });
    expect(f.get('users:{"names":["root","no-such-user-hakit"]}')).toMatchObject({
      root: { uid: 0, home: '/root' },
      'no-such-user-hakit': null,
    });
    const live = (await sh('cat /proc/sys/net/ipv4/tcp_keepalive_time')).trim();
    expect(f.get('sysctl:{"names":["net.ipv4.tcp_keepalive_time"]}')).toEqual({
      'net.ipv4.tcp_keepalive_time': live,
    });
  });

  it('file: directory with mode and group converges', async () => {
    await converge('file', { path: '/srv/hakit/conf.d', state: 'directory', mode: '0750', group: 'daemon' });
    expect((await sh("stat -c '%F %a %U %G' /srv/hakit/conf.d")).trim()).toBe('directory 750 root daemon');
    // touch + link too
    await converge('file', { path: '/srv/hakit/flag', state: 'touch', mode: '0600' });
    await converge('file', { path: '/srv/hakit/current', state: 'link', src: '/srv/hakit/conf.d' });
    expect((await sh('readlink /srv/hakit/current')).trim()).toBe('/srv/hakit/conf.d');
    await converge('file', { path: '/srv/hakit/flag', state: 'absent' });
    expect((await conn.exec('test -e /srv/hakit/flag')).exitCode).toBe(1);
  });

  it('copy: atomic write with validate and backup; diffs; a failing validator leaves the file alone', async () => {
    const args = {
      dest: '/srv/hakit/app.conf',
      content: 'listen = 8080\nworkers = 4\n',
      mode: '0640',
      owner: 'root',
      group: 'daemon',
      validate: 'grep -q "^listen = " %s',
    };
    const first = await converge('copy', args, { diff: true });
    expect(first.diffs).toEqual([{ path: '/srv/hakit/app.conf', before: null, after: args.content }]);
    expect(await sh('cat /srv/hakit/app.conf')).toBe(args.content);
    expect((await sh("stat -c '%a %U %G' /srv/hakit/app.conf")).trim()).toBe('640 root daemon');

    // Changed content with backup: the old content is kept as app.conf.<timestamp>~, the diff shows it.
    const second = await converge(
      'copy',
      { ...args, content: 'listen = 9090\nworkers = 4\n', backup: true },
      { diff: true },
    );
    expect(unifiedDiff(second.diffs![0]!.before, second.diffs![0]!.after, '/srv/hakit/app.conf')).toContain(
      '-listen = 8080\n+listen = 9090',
    );
    expect(await sh('cat /srv/hakit/app.conf.*~')).toBe(args.content);

    // A validator that rejects: the step fails, the destination is untouched, no temp file is left.
    const bad = await planFor('copy', { ...args, content: 'garbage\n' });
    await expect(run(bad)).rejects.toThrow(/step failed/);
    expect(await sh('cat /srv/hakit/app.conf')).toBe('listen = 9090\nworkers = 4\n');
    expect((await sh('ls -A /srv/hakit')).split('\n').filter((f) => f.includes('.tmp'))).toEqual([]);

    // Only the mode differs: chmod, no rewrite.
    await sh('chmod 0644 /srv/hakit/app.conf');
    const attrs = await planFor('copy', { ...args, content: 'listen = 9090\nworkers = 4\n' });
    expect(attrs.steps).toEqual([{ kind: 'exec', command: 'chmod 0640 -- /srv/hakit/app.conf' }]);
  });

  it('lineinfile and blockinfile converge (and keep the rest of the file)', async () => {
    await sh("printf '# sshd-ish\\nPort 22\\nPermitRootLogin yes\\n' > /srv/hakit/edit.conf");
    await converge('lineinfile', {
      path: '/srv/hakit/edit.conf',
      regexp: '^PermitRootLogin ',
      line: 'PermitRootLogin prohibit-password',
    });
    await converge('lineinfile', {
      path: '/srv/hakit/edit.conf',
      line: 'MaxSessions 20',
      insertafter: '^Port ',
    });
    await converge('blockinfile', {
      path: '/srv/hakit/edit.conf',
      block: 'Match User backup\n  ForceCommand true',
    });
    expect(await sh('cat /srv/hakit/edit.conf')).toBe(
      [
        '# sshd-ish',
        'Port 22',
        'MaxSessions 20',
        'PermitRootLogin prohibit-password',
        '# BEGIN HAKIT MANAGED BLOCK',
        'Match User backup',
        '  ForceCommand true',
        '# END HAKIT MANAGED BLOCK',
        '',
      ].join('\n'),
    );
    // The block fact sees what blockinfile wrote.
    const req = {
      fact: 'block_in_file',
      args: {
        path: '/srv/hakit/edit.conf',
        begin: '# BEGIN HAKIT MANAGED BLOCK',
        end: '# END HAKIT MANAGED BLOCK',
      },
    };
    const r = await conn.exec(batchFactCommand([req]));
    expect([...parseFactBatch([req], r.stdout).values()][0]).toEqual({
      fileExists: true,
      found: true,
      block: 'Match User backup\n  ForceCommand true',
    });
    await converge('blockinfile', { path: '/srv/hakit/edit.conf', state: 'absent' });
    expect(await sh('cat /srv/hakit/edit.conf')).not.toContain('HAKIT MANAGED BLOCK');
  });

  it('bind-mounted /etc/hosts: the rename fails (EBUSY), the write falls back to in place', async () => {
    expect((await conn.exec('mountpoint -q /etc/hosts')).exitCode).toBe(0);
    const inodeBefore = (await sh('stat -c %i /etc/hosts')).trim();
    await converge('lineinfile', { path: '/etc/hosts', line: '10.213.250.250 hakit-test-alias' });
    expect(await sh('cat /etc/hosts')).toContain('\n10.213.250.250 hakit-test-alias\n');
    // Still the same bind-mounted file (not replaced by a new inode), and no temp file left behind.
    expect((await conn.exec('mountpoint -q /etc/hosts')).exitCode).toBe(0);
    expect((await sh('stat -c %i /etc/hosts')).trim()).toBe(inodeBefore);
    expect(await sh('ls -A /etc | grep -c hakit- || true')).toBe('0\n');
    expect((await sh('getent hosts hakit-test-alias')).trim()).toMatch(
      /^10\.213\.250\.250\s+hakit-test-alias$/,
    );
  });

  it('service: a new unit is started, enabled, then stopped, masked and unmasked; restarted always acts', async () => {
    // A vendor-style unit (masking needs the unit file outside /etc/systemd/system).
    await converge('file', { path: '/usr/local/lib/systemd/system', state: 'directory' });
    await converge('copy', {
      dest: '/usr/local/lib/systemd/system/hakit-dummy.service',
      content:
        '[Unit]\nDescription=hakit test\n[Service]\nExecStart=/bin/sleep infinity\n[Install]\nWantedBy=multi-user.target\n',
    });
    await converge('service', {
      name: 'hakit-dummy.service',
      state: 'started',
      enabled: true,
      daemon_reload: true,
    });
    expect(
      (await sh('systemctl is-active hakit-dummy.service; systemctl is-enabled hakit-dummy.service')).trim(),
    ).toBe('active\nenabled');
    const pid1 = (await sh('systemctl show -p MainPID --value hakit-dummy.service')).trim();
    const restart = await planFor('service', { name: 'hakit-dummy.service', state: 'restarted' });
    expect(restart.steps.length).toBe(1);
    await run(restart);
    expect((await sh('systemctl show -p MainPID --value hakit-dummy.service')).trim()).not.toBe(pid1);
    expect((await planFor('service', { name: 'hakit-dummy.service', state: 'restarted' })).steps.length).toBe(
      1,
    );

    await converge('service', {
      name: 'hakit-dummy.service',
      state: 'stopped',
      enabled: false,
      masked: true,
    });
    expect((await conn.exec('systemctl is-enabled hakit-dummy.service')).stdout.trim()).toBe('masked');
    await converge('service', { name: 'hakit-dummy.service', masked: false, state: 'started' });
    expect((await sh('systemctl is-active hakit-dummy.service')).trim()).toBe('active');

    // A unit file in /etc/systemd/system cannot be masked: the planner says so instead of systemctl failing.
    await converge('copy', {
      dest: '/etc/systemd/system/hakit-local.service',
      content: '[Service]\nExecStart=/bin/true\n',
    });
    await expect(
      planFor('service', { name: 'hakit-local.service', masked: true, daemon_reload: true }),
    ).rejects.toThrow(
      /cannot mask hakit-local.service: its unit file is \/etc\/systemd\/system\/hakit-local.service/,
    );
  });

  it('sysctl: live value and persisted file converge', async () => {
    const current = (await sh('cat /proc/sys/net/ipv4/tcp_keepalive_time')).trim();
    const value = current === '600' ? '601' : '600';
    await converge('sysctl', {
      name: 'net.ipv4.tcp_keepalive_time',
      value,
      file: '/etc/sysctl.d/90-hakit-test.conf',
    });
    expect((await sh('cat /proc/sys/net/ipv4/tcp_keepalive_time')).trim()).toBe(value);
    expect(await sh('cat /etc/sysctl.d/90-hakit-test.conf')).toBe(`net.ipv4.tcp_keepalive_time = ${value}\n`);
    // A second key goes into the same file without disturbing the first.
    await converge('sysctl', {
      name: 'net.ipv4.tcp_keepalive_intvl',
      value: 31,
      file: '/etc/sysctl.d/90-hakit-test.conf',
    });
    expect(await sh('cat /etc/sysctl.d/90-hakit-test.conf')).toBe(
      `net.ipv4.tcp_keepalive_time = ${value}\nnet.ipv4.tcp_keepalive_intvl = 31\n`,
    );
  });

  it('group and user: create, then modify only what differs, then remove', async () => {
    await converge('group', { name: 'hakitgrp', gid: 4321 });
    await converge('user', {
      name: 'hakitops',
      uid: 4321,
      group: 'hakitgrp',
      groups: ['daemon'],
      shell: '/bin/bash',
    });
    expect((await sh('id hakitops')).trim()).toBe(
      'uid=4321(hakitops) gid=4321(hakitgrp) groups=4321(hakitgrp),1(daemon)',
    );
    const mod = await converge('user', { name: 'hakitops', groups: ['daemon', 'adm'], shell: '/bin/sh' });
    expect(mod.steps).toEqual([{ kind: 'exec', command: 'usermod -G adm,daemon -s /bin/sh hakitops' }]);
    expect((await sh('getent passwd hakitops')).trim()).toMatch(/:\/bin\/sh$/);
    await converge('user', { name: 'hakitgone', system: true, create_home: false });
    await converge('user', { name: 'hakitgone', state: 'absent' });
  });

  it('authorized_key: creates ~/.ssh (0700) and the file (0600) owned by the user; adds and removes keys', async () => {
    await converge('user', { name: 'keyuser', shell: '/bin/bash' });
    await converge('authorized_key', { user: 'keyuser', key: PUBKEY_A });
    expect(
      (await sh("stat -c '%a %U %G' /home/keyuser/.ssh /home/keyuser/.ssh/authorized_keys")).trim(),
    ).toBe('700 keyuser keyuser\n600 keyuser keyuser');
    await converge('authorized_key', { user: 'keyuser', key: PUBKEY_B });
    expect(await sh('cat /home/keyuser/.ssh/authorized_keys')).toBe(`${PUBKEY_A}\n${PUBKEY_B}\n`);
    await converge('authorized_key', { user: 'keyuser', key: PUBKEY_A, state: 'absent' });
    expect(await sh('cat /home/keyuser/.ssh/authorized_keys')).toBe(`${PUBKEY_B}\n`);
  });

  it('package: apt install from the local cache, latest is then a no-op, absent removes it', async () => {
    await converge('package', { name: ['rsync', 'chrony'] });
    expect((await sh('dpkg -s rsync chrony')).match(/^Status: install ok installed$/gm)).toHaveLength(2);
    expect((await planFor('package', { name: 'rsync', state: 'latest' })).steps).toEqual([]);
    await converge('package', { name: 'rsync', state: 'absent' });
    expect((await conn.exec('dpkg -s rsync')).stdout).not.toMatch(/^Status: install ok installed$/m);
  });

  it('command with creates, and wait_for on a port and on a command', async () => {
    const args = { cmd: 'echo built > /srv/hakit/built.txt', creates: '/srv/hakit/built.txt' };
    await converge('shell', args);
    const waitPort = await planFor('wait_for', { port: 22, timeout: 10 });
    expect(waitPort.noChange).toBe(true);
    await run(waitPort);
    await run(await planFor('wait_for', { command: 'test -f /srv/hakit/built.txt', timeout: 5 }));
    // A port nobody listens on: the bounded loop gives up after its attempts.
    await expect(run(await planFor('wait_for', { port: 1, timeout: 2, interval: 1 }))).rejects.toThrow(
      /not reached within 2s/,
    );
  });
});
