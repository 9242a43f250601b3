/**
 * SshConnector against real sshd in sandbox containers (systemd + OpenSSH 9.2, Debian 12).
 * node1 gets sshd MaxSessions 10 (the OpenSSH default; the image raises it), password logins, and a
 * user `opsuser` whose sudo needs a password; the image's `hakit` user has NOPASSWD sudo.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConnectionPool,
  fingerprintSha256,
  parseKnownHosts,
  SshConnector,
  type SshTarget,
} from '../../src/connect/index.js';
import { HostKeyError, UnreachableError } from '../../src/errors/index.js';
import { type Sandbox, waitForNodeSsh } from '../../src/sandbox/index.js';
import { sandboxTarget, useSandbox } from '../support/sandbox-fixture.js';

function dockerSh(container: string, script: string, input?: string): string {
  return execFileSync('docker', ['exec', '-i', container, 'sh', '-c', script], {
    encoding: 'utf8',
    ...(input !== undefined ? { input } : {}),
  });
}

async function freeLoopbackPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('SshConnector (real sshd)', () => {
  const getSandbox = useSandbox({ nodes: 2, name: 'connect', packageCache: false });
  let sb: Sandbox;
  let n1: Sandbox['nodes'][number];
  let n2: Sandbox['nodes'][number];
  let tmp: string;
  /** The real host key fingerprint of node1 (from the sandbox's known_hosts, which it read from the container). */
  let realFp1: string;
  const opsPassword = `pw-${randomBytes(9).toString('base64url')}`;
  const opened: SshConnector[] = [];

  const target = (node: { name: string; address: string }, extra: Partial<SshTarget> = {}): SshTarget =>
    sandboxTarget(sb, node, { retryDelayMs: 50, ...extra });
  const conn = (t: SshTarget) => {
    const c = new SshConnector(t);
    opened.push(c);
    return c;
  };

  beforeAll(async () => {
    sb = getSandbox();
    expect(sb.nodes.length).toBeGreaterThanOrEqual(2);
    n1 = sb.nodes[0]!;
    n2 = sb.nodes[1]!;
    tmp = mkdtempSync(join(tmpdir(), 'hakit-connect-int-'));
    const entry = parseKnownHosts(readFileSync(sb.knownHostsPath, 'utf8')).find(
      (e) => e.names.kind === 'patterns' && e.names.patterns.includes(n1.address),
    );
    expect(entry).toBeDefined();
    realFp1 = fingerprintSha256(entry!.key);
    // A non-root user whose sudo needs a password (the image's `hakit` user has NOPASSWD).
    dockerSh(
      n1.containerName,
      'id opsuser >/dev/null 2>&1 || useradd -m -s /bin/bash -G sudo opsuser; chpasswd',
      `opsuser:${opsPassword}\n`,
    );
    const pub = readFileSync(`${sb.keyPath}.pub`, 'utf8');
    dockerSh(
      n1.containerName,
      'cat > /etc/ssh/authorized_keys/opsuser; chmod 0644 /etc/ssh/authorized_keys/opsuser',
      pub,
    );
    // Real default limit: MaxSessions 10 (a drop-in that sorts first wins), and password logins for first contact.
    dockerSh(
      n1.containerName,
      'printf "MaxSessions 10\\nPasswordAuthentication yes\\n" > /etc/ssh/sshd_config.d/00-hakit-connect-test.conf && systemctl restart ssh',
    );
    await waitForNodeSsh(sb, n1, 30_000);
  });

  afterAll(async () => {
    for (const c of opened) await c.close();
    try {
      dockerSh(
        n1.containerName,
        'rm -f /etc/ssh/sshd_config.d/00-hakit-connect-test.conf && systemctl restart ssh',
      );
    } catch {
      // the sandbox may already be gone
    }
    rmSync(tmp, { recursive: true, force: true });
  });

  const sshdLogSince = (container: string, since: string) =>
    dockerSh(container, `journalctl -u ssh --no-pager -o cat --since '${since}'`);
  const containerNow = (container: string) => dockerSh(container, "date '+%Y-%m-%d %H:%M:%S'").trim();

  describe('exec over one connection', () => {
    it('runs commands with exit code, stdout, stderr, stdin, env and utf8, all on ONE connection', async () => {
      const c = conn(target(n1));
      const r = await c.exec('echo "out ✓ $V"; echo err >&2; exit 7', { env: { V: 'v1' } });
      expect(r).toMatchObject({ exitCode: 7, stdout: 'out ✓ v1\n', stderr: 'err\n' });
      expect(r.durationMs).toBeGreaterThanOrEqual(0);
      expect((await c.exec('cat', { stdin: 'piped\n' })).stdout).toBe('piped\n');
      // $SSH_CONNECTION = client ip, client port, server ip, server port: one source port = one TCP connection
      const seq = [];
      for (let i = 0; i < 3; i++) seq.push((await c.exec('echo $SSH_CONNECTION')).stdout.trim());
      const par = await Promise.all(Array.from({ length: 12 }, () => c.exec('echo $SSH_CONNECTION')));
      const all = new Set([...seq, ...par.map((p) => p.stdout.trim())]);
      expect(all.size).toBe(1);
      expect([...all][0]).toMatch(new RegExp(` ${n1.address.replaceAll('.', '\\.')} 22$`));
      expect(c.stats.connects).toBe(1);
      expect(c.stats.attempts).toBe(1);
      // and sshd sees exactly one connection from us
      const [clientIp, srcPort] = [...all][0]!.split(' ');
      const ours = dockerSh(n1.containerName, "ss -Htn state established '( sport = :22 )'")
        .split('\n')
        .filter((l) => l.trim().split(/\s+/).at(-1) === `${clientIp}:${srcPort}`);
      expect(ours).toHaveLength(1);
    });

    it('30 concurrent execs succeed under sshd MaxSessions 10 without a refused channel', async () => {
      const since = containerNow(n1.containerName);
      const c = conn(target(n1));
      await c.connect();
      await c.putFile('/tmp/hakit-sftp-during-execs', 'x'); // the SFTP session holds its own channel meanwhile
      const rs = await Promise.all(Array.from({ length: 30 }, (_, i) => c.exec(`sleep 0.5; echo ${i}`)));
      expect(rs.map((r) => r.exitCode)).toEqual(Array(30).fill(0));
      expect(rs.map((r) => r.stdout)).toEqual(Array.from({ length: 30 }, (_, i) => `${i}\n`));
      expect(c.stats.peakExecChannels).toBe(9);
      expect(c.stats.channelOpenRefusals).toBe(0);
      expect(c.stats.connects).toBe(1);
      expect(sshdLogSince(n1.containerName, since)).not.toMatch(/no more sessions|open failed/i);
    });

    it('control: claiming more channels than sshd allows gets refusals (logged), and the connector adapts', async () => {
      const since = containerNow(n1.containerName);
      const c = conn(target(n1, { maxChannels: 20 }));
      const rs = await Promise.all(Array.from({ length: 30 }, (_, i) => c.exec(`sleep 0.3; echo ${i}`)));
      expect(rs.map((r) => r.stdout)).toEqual(Array.from({ length: 30 }, (_, i) => `${i}\n`));
      // proves the log check above can see the failure it guards against
      expect(c.stats.channelOpenRefusals).toBeGreaterThan(0);
      expect(sshdLogSince(n1.containerName, since)).toMatch(/no more sessions/i);
      expect(c.channelLimit).toBeLessThanOrEqual(10);
    });

    it('a timeout closes the channel: exitCode null, signal TIMEOUT, partial output; the connection lives on', async () => {
      const c = conn(target(n1));
      const r = await c.exec('echo $$; sleep 30; echo never', { timeoutMs: 700 });
      expect(r).toMatchObject({ exitCode: null, signal: 'TIMEOUT' });
      const shellPid = Number(r.stdout.trim());
      expect(shellPid).toBeGreaterThan(1);
      // the remote side kills the command (timeout + 1 s grace), so sshd frees the session: poll, bounded (10 s)
      const poll = await c.exec(
        `for i in $(seq 1 100); do kill -0 ${shellPid} 2>/dev/null || { echo gone; exit 0; }; sleep 0.1; done; echo alive`,
      );
      expect(poll.stdout).toBe('gone\n');
      expect((await c.exec('echo still-here')).stdout).toBe('still-here\n');
      expect(c.stats.connects).toBe(1);
    });
  });

  describe('SFTP', () => {
    it('put/get round-trips binary and text over one SFTP session; missing file → null', async () => {
      const c = conn(target(n1));
      const bin = randomBytes(1024 * 1024 + 17);
      await c.putFile('/tmp/hakit-sftp.bin', bin, 0o600);
      await c.putFile('/tmp/hakit-sftp.txt', 'héllo ✓\n', 0o640);
      expect((await c.getFile('/tmp/hakit-sftp.bin'))?.equals(bin)).toBe(true);
      expect((await c.getFile('/tmp/hakit-sftp.txt'))?.toString('utf8')).toBe('héllo ✓\n');
      expect(await c.getFile('/tmp/definitely-missing-file')).toBeNull();
      const st = await c.exec(
        'stat -c %a /tmp/hakit-sftp.bin /tmp/hakit-sftp.txt; sha256sum < /tmp/hakit-sftp.bin',
      );
      const sha = (await import('node:crypto')).createHash('sha256').update(bin).digest('hex');
      expect(st.stdout).toBe(`600\n640\n${sha}  -\n`);
      // overwriting an existing file also applies the mode
      await c.putFile('/tmp/hakit-sftp.txt', 'v2', 0o600);
      expect((await c.exec('stat -c %a /tmp/hakit-sftp.txt')).stdout).toBe('600\n');
      expect(c.stats.sftpSessions).toBe(1);
      expect(c.stats.connects).toBe(1);
    });
  });

  describe('host keys', () => {
    it('a changed key is a HostKeyError naming the host and both fingerprints, and is not retried', async () => {
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(tmp, 'impostor')]);
      const fake = readFileSync(join(tmp, 'impostor.pub'), 'utf8').split(' ');
      const fakeFp = fingerprintSha256(Buffer.from(fake[1]!, 'base64'));
      const kh = join(tmp, 'kh-changed');
      writeFileSync(kh, `${n1.address} ${fake[0]} ${fake[1]}\n`);
      const c = conn(target(n1, { knownHostsFile: kh, retries: 3 }));
      const err = await c.connect().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HostKeyError);
      const msg = (err as HostKeyError).message;
      expect((err as HostKeyError).host).toBe(n1.name);
      expect(msg).toContain(n1.name);
      expect(msg).toContain(`expected ${fakeFp}`);
      expect(msg).toContain(`presented ${realFp1}`);
      expect(c.stats.attempts).toBe(1);
      expect(readFileSync(kh, 'utf8')).toBe(`${n1.address} ${fake[0]} ${fake[1]}\n`); // untouched, even with TOFU on
      const tofu = conn(target(n1, { knownHostsFile: kh, acceptNewHostKeys: true }));
      await expect(tofu.connect()).rejects.toBeInstanceOf(HostKeyError);
    });

    it('pinned fingerprints: the right one connects, a wrong one is refused naming both', async () => {
      await conn(target(n1, { knownHostsFile: join(tmp, 'none'), pinnedFingerprints: [realFp1] })).connect();
      const wrong = 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
      const err = await conn(target(n1, { pinnedFingerprints: [wrong] }))
        .connect()
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HostKeyError);
      expect((err as Error).message).toContain(wrong);
      expect((err as Error).message).toContain(realFp1);
    });

    it('unknown host: refused by default; acceptNewHostKeys records it, and the record is then trusted', async () => {
      const kh = join(tmp, 'kh-new');
      const err = await conn(target(n1, { knownHostsFile: kh }))
        .connect()
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HostKeyError);
      expect((err as Error).message).toMatch(/unknown host key/);
      await conn(target(n1, { knownHostsFile: kh, acceptNewHostKeys: true })).connect();
      const recorded = parseKnownHosts(readFileSync(kh, 'utf8'));
      expect(recorded).toHaveLength(1);
      expect(fingerprintSha256(recorded[0]!.key)).toBe(realFp1);
      expect(recorded[0]!.names).toEqual({ kind: 'patterns', patterns: [n1.address] });
      // ssh-keygen agrees with what we wrote
      expect(execFileSync('ssh-keygen', ['-F', n1.address, '-f', kh], { encoding: 'utf8' })).toContain(
        'found',
      );
      const again = conn(target(n1, { knownHostsFile: kh }));
      expect((await again.exec('echo ok')).stdout).toBe('ok\n');
      expect(readFileSync(kh, 'utf8').trim().split('\n')).toHaveLength(1);
    });

    it('hashed known_hosts entries (ssh-keygen -H) verify', async () => {
      const kh = join(tmp, 'kh-hashed');
      writeFileSync(kh, readFileSync(sb.knownHostsPath));
      execFileSync('ssh-keygen', ['-H', '-f', kh], { stdio: 'ignore' });
      expect(readFileSync(kh, 'utf8')).not.toContain(n1.address);
      expect((await conn(target(n1, { knownHostsFile: kh })).exec('echo hashed')).stdout).toBe('hashed\n');
    });
  });

  describe('failures', () => {
    it('an unreachable host is an UnreachableError after bounded retries', async () => {
      const port = await freeLoopbackPort();
      const c = conn({
        ...target({ name: 'ghost', address: '127.0.0.1' }),
        port,
        retries: 2,
        retryDelayMs: 20,
      });
      const err = await c.exec('true').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnreachableError);
      expect((err as UnreachableError).host).toBe('ghost');
      expect((err as Error).message).toMatch(/ECONNREFUSED/);
      expect((err as Error).message).toContain('3 attempts');
      expect(c.stats.attempts).toBe(3);
    });

    it('an address nobody answers on (in the sandbox subnet) fails within the connect timeout, retried', async () => {
      const silent = sb.network.subnet.replace(/\.0\/24$/, '.250');
      const c = conn(target({ name: 'silent', address: silent }, { connectTimeoutMs: 1500, retries: 1 }));
      const err = await c.connect().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnreachableError);
      expect((err as Error).message).toMatch(/timed out after 1500 ms|EHOSTUNREACH/);
      expect(c.stats.attempts).toBe(2);
    });

    it('a dropped connection fails the running command as unreachable; the next command reconnects', async () => {
      const c = conn(target(n1));
      const [ip, port] = (await c.exec('echo $SSH_CONNECTION')).stdout.split(' ');
      const running = c.exec('sleep 20; echo never');
      await c.exec('true'); // the sleep's channel is open by now (channels open in order)
      // kill exactly the sshd process serving this connection (found by its client address:port)
      const line = dockerSh(n1.containerName, "ss -Htnp state established '( sport = :22 )'")
        .split('\n')
        .find((l) => l.includes(` ${ip}:${port} `));
      const pid = /pid=(\d+)/.exec(line ?? '')?.[1];
      expect(pid).toBeDefined();
      dockerSh(n1.containerName, `kill ${pid}`);
      const err = await running.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnreachableError);
      expect((await c.exec('echo back')).stdout).toBe('back\n');
      expect(c.stats.connects).toBe(2);
    });

    it('a rejected key is an UnreachableError (auth), not retried', async () => {
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(tmp, 'stranger')]);
      const c = conn(target(n1, { keyFile: join(tmp, 'stranger'), retries: 3 }));
      const err = await c.connect().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnreachableError);
      expect((err as Error).message).toMatch(/authentication failed/);
      expect(c.stats.attempts).toBe(1);
    });
  });

  describe('auth methods', () => {
    it('password login (first contact) works; a wrong password fails without showing it', async () => {
      const ok = conn(target(n1, { user: 'opsuser', keyFile: join(tmp, 'none'), password: opsPassword }));
      expect((await ok.exec('id -un')).stdout).toBe('opsuser\n');
      const bad = `wrong-${opsPassword}`;
      const err = await conn(target(n1, { user: 'opsuser', keyFile: join(tmp, 'none'), password: bad }))
        .connect()
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnreachableError);
      expect(JSON.stringify({ m: (err as Error).message, s: (err as Error).stack })).not.toContain(bad);
    });

    it('ssh-agent (SSH_AUTH_SOCK) authenticates without a key file', async () => {
      const sock = join(tmp, 'agent.sock');
      const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
      try {
        for (let i = 0; i < 50; i++) {
          try {
            execFileSync('ssh-add', [sb.keyPath], {
              env: { ...process.env, SSH_AUTH_SOCK: sock },
              stdio: 'ignore',
            });
            break;
          } catch (e) {
            if (i === 49) throw e;
            await new Promise((r) => setTimeout(r, 100));
          }
        }
        const t = target(n1, { agent: sock, keyFile: join(tmp, 'none') });
        expect((await conn(t).exec('echo via-agent')).stdout).toBe('via-agent\n');
      } finally {
        agent.kill();
      }
    });

    it('~/.ssh/config supplies HostName, User, IdentityFile and ProxyJump where the inventory is silent', async () => {
      const cfg = join(tmp, 'ssh_config');
      writeFileSync(
        cfg,
        `Host sbx-*\n  User hakit\n  IdentityFile ${sb.keyPath}\nHost sbx-a\n  HostName ${n1.address}\n` +
          `Host sbx-b\n  HostName ${n2.address}\n  ProxyJump root@${n1.address}\n` +
          `Host ${n1.address}\n  IdentityFile ${sb.keyPath}\n`,
      );
      const base = { knownHostsFile: sb.knownHostsPath, agent: false as const, sshConfigFile: cfg };
      const a = conn({ host: 'sbx-a', hostname: 'sbx-a', ...base });
      expect((await a.exec('id -un; echo $SSH_CONNECTION')).stdout).toMatch(/^hakit\n/);
      const b = conn({ host: 'sbx-b', hostname: 'sbx-b', ...base });
      const out = (await b.exec('id -un; echo $SSH_CONNECTION')).stdout.split('\n');
      expect(out[0]).toBe('hakit');
      // node2 sees the connection coming from node1: it went through the jump host
      expect(out[1]?.split(' ')[0]).toBe(n1.address);
    });
  });

  describe('jump host', () => {
    it('reaches node2 through node1 (forwardOut) and verifies node2 host key; the pool shares connections', async () => {
      const pool = new ConnectionPool();
      try {
        const jumpT = target(n1);
        const t2 = target(n2, { jump: jumpT });
        const c2 = pool.get(t2);
        expect(pool.get(t2)).toBe(c2);
        const c1 = pool.get(jumpT);
        const r = await c2.exec('echo $SSH_CONNECTION');
        expect(r.stdout.split(' ')[0]).toBe(n1.address);
        expect((await c1.exec('echo $SSH_CONNECTION')).stdout.split(' ')[0]).not.toBe(n1.address);
        expect(c1.stats.connects).toBe(1); // the bastion connection is the pool's node1 connection
        // a wrong key for the target behind the bastion is still refused
        const kh = join(tmp, 'kh-jump');
        writeFileSync(kh, readFileSync(sb.knownHostsPath, 'utf8').replace(n2.address, '10.255.255.254'));
        const bad = pool.get(
          target({ name: 'node2-strict', address: n2.address }, { knownHostsFile: kh, jump: jumpT }),
        );
        await expect(bad.connect()).rejects.toBeInstanceOf(HostKeyError);
      } finally {
        await pool.closeAll();
      }
    });
  });

  describe('become (sudo)', () => {
    const secretFree = (v: unknown) => expect(JSON.stringify(v)).not.toContain(opsPassword);

    it('sudo with a password: runs as root, password fed on stdin only, never in the command line or result', async () => {
      const c = conn(target(n1, { user: 'opsuser', become: { method: 'sudo', password: opsPassword } }));
      const r = await c.exec('id -u; echo "sudo_user=$SUDO_USER"; ps -eo args');
      expect(r.exitCode).toBe(0);
      const lines = r.stdout.split('\n');
      expect(lines[0]).toBe('0');
      expect(lines[1]).toBe('sudo_user=opsuser');
      expect(r.stdout).toContain('sudo -S'); // we are looking at the real process list...
      expect(r.stdout).not.toContain(opsPassword); // ...and the password is in no command line
      expect(r.stderr).toBe('');
      secretFree(r);
      // the command's own stdin arrives intact (the password is not mixed in), also on a second run
      for (let i = 0; i < 2; i++) {
        const cat = await c.exec('cat', { stdin: 'payload\n' });
        expect(cat).toMatchObject({ exitCode: 0, stdout: 'payload\n', stderr: '' });
      }
      // become: false for one command runs as the login user
      expect((await c.exec('id -un', { become: false })).stdout).toBe('opsuser\n');
    });

    it('a wrong sudo password fails (no hang) and is not shown', async () => {
      const wrong = `${opsPassword}-wrong`;
      const c = conn(target(n1, { user: 'opsuser', become: { method: 'sudo', password: wrong } }));
      const r = await c.exec('id -u', { timeoutMs: 60_000 });
      expect(r.signal).toBeUndefined(); // it ended by itself, not by the timeout
      expect(r.exitCode).not.toBe(0);
      expect(r.stdout).toBe('');
      expect(JSON.stringify(r)).not.toContain(wrong);
      secretFree(r);
    });

    it('sudo without a password: NOPASSWD user works, a user that needs one fails fast', async () => {
      const nopw = conn(target(n1, { user: 'hakit', become: { method: 'sudo' } }));
      expect((await nopw.exec('id -u')).stdout).toBe('0\n');
      // NOPASSWD user with a password configured: sudo never asks, so the password must not reach stdin
      const extra = conn(target(n1, { user: 'hakit', become: { method: 'sudo', password: opsPassword } }));
      expect(await extra.exec('cat', { stdin: 'only-this' })).toMatchObject({
        exitCode: 0,
        stdout: 'only-this',
      });
      const needs = conn(target(n1, { user: 'opsuser', become: { method: 'sudo' } }));
      const r = await needs.exec('id -u', { timeoutMs: 60_000 });
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toMatch(/password is required/);
    });

    it('login as root: no sudo', async () => {
      const c = conn(target(n1, { become: { method: 'sudo', password: opsPassword } }));
      const r = await c.exec('echo "[$SUDO_USER]"; id -u');
      expect(r.stdout).toBe('[]\n0\n');
      expect(c.becomeUsesSudo).toBe(false);
    });
  });
});
