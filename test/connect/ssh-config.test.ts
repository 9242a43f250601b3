import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseProxyJump, parseSshConfig, resolveSshConfig, resolveTarget } from '../../src/connect/index.js';

const CONFIG = `
# global options before any Host apply to all
ServerAliveInterval 30

Host db1
  HostName 10.1.0.11
  User dbadmin
  IdentityFile ~/.ssh/db_key

Host db* !db9
  User ops
  Port 2222
  IdentityFile "%d/.ssh/id_%h"
  ProxyJump bastion

Host bastion
  HostName 10.1.0.1
  User jump
  ProxyJump none

Match host db1
  User never-applied

Host *
  User=fallback
  Port 22
  IdentityFile ~/.ssh/id_default
`;

describe('parseSshConfig / resolveSshConfig', () => {
  const blocks = parseSshConfig(CONFIG);
  const opts = { home: '/home/me', localUser: 'me' };

  it('first value wins across matching Host blocks; IdentityFile accumulates in order', () => {
    const r = resolveSshConfig(blocks, 'db1', opts);
    expect(r).toEqual({
      hostname: '10.1.0.11',
      user: 'dbadmin',
      port: 2222,
      proxyJump: 'bastion',
      identityFiles: ['/home/me/.ssh/db_key', '/home/me/.ssh/id_10.1.0.11', '/home/me/.ssh/id_default'],
    });
  });

  it('wildcards and negation select blocks; Match blocks are ignored', () => {
    expect(resolveSshConfig(blocks, 'db2', opts)).toMatchObject({
      user: 'ops',
      port: 2222,
      proxyJump: 'bastion',
    });
    expect(resolveSshConfig(blocks, 'db2', opts).hostname).toBeUndefined();
    const db9 = resolveSshConfig(blocks, 'db9', opts);
    expect(db9).toMatchObject({ user: 'fallback', port: 22 });
    expect(db9.proxyJump).toBeUndefined();
    // ProxyJump none on the bastion
    expect(resolveSshConfig(blocks, 'bastion', opts).proxyJump).toBeUndefined();
  });

  it('accepts Key=Value, is case-insensitive on keywords, records line numbers', () => {
    const b = parseSshConfig('HOST x\n  hostname=1.2.3.4\n  PORT = 2200\n');
    expect(resolveSshConfig(b, 'x')).toMatchObject({ hostname: '1.2.3.4', port: 2200 });
    expect(b[1]?.options[0]).toMatchObject({ key: 'hostname', args: ['1.2.3.4'], line: 2 });
  });

  it('parses ProxyJump chains', () => {
    expect(parseProxyJump('a,ops@b:2222,[fe80::1]:22')).toEqual([
      { host: 'a' },
      { user: 'ops', host: 'b', port: 2222 },
      { host: 'fe80::1', port: 22 },
    ]);
  });
});

describe('resolveTarget', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hakit-sshcfg-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cfgFile = join(dir, 'config');
  writeFileSync(join(dir, 'db_key'), 'not a real key');
  writeFileSync(
    cfgFile,
    `Host db1\n HostName 10.1.0.11\n User dbadmin\n IdentityFile ${dir}/db_key\n IdentityFile ${dir}/missing\n ProxyJump ops@bastion:2200,inner\nHost 10.9.*\n User byaddr\n Port 2022\n`,
  );
  const env = { home: dir, localUser: 'me', sshAuthSock: undefined };

  it('the config fills what the inventory leaves out (looked up by node name)', () => {
    const r = resolveTarget({ host: 'db1', hostname: 'db1', sshConfigFile: cfgFile }, env);
    expect(r).toMatchObject({
      hostname: '10.1.0.11',
      user: 'dbadmin',
      port: 22,
      keyFiles: [`${dir}/db_key`],
    });
    // ProxyJump a,b: connect to a first, b through a, then the target through b
    expect(r.jump).toMatchObject({ host: 'inner', jump: { host: 'bastion', user: 'ops', port: 2200 } });
  });

  it('the inventory always wins', () => {
    const r = resolveTarget(
      { host: 'db1', hostname: '10.2.0.5', user: 'root', port: 2201, keyFile: '/k', sshConfigFile: cfgFile },
      env,
    );
    expect(r).toMatchObject({ hostname: '10.2.0.5', user: 'root', port: 2201, keyFiles: ['/k'] });
  });

  it('the address is looked up too; sshConfigFile false ignores the config', () => {
    expect(resolveTarget({ host: 'n1', hostname: '10.9.0.3', sshConfigFile: cfgFile }, env)).toMatchObject({
      user: 'byaddr',
      port: 2022,
    });
    const r = resolveTarget({ host: 'db1', hostname: 'db1', sshConfigFile: false }, env);
    expect(r).toMatchObject({ hostname: 'db1', user: 'me', port: 22, keyFiles: [] });
    expect(r.jump).toBeUndefined();
  });

  it('defaults: 10 channels, 2 retries, known_hosts under home, agent from SSH_AUTH_SOCK unless disabled', () => {
    const r = resolveTarget(
      { host: 'x', hostname: '127.0.0.1', sshConfigFile: false },
      { ...env, sshAuthSock: '/s' },
    );
    expect(r).toMatchObject({
      maxChannels: 10,
      retries: 2,
      knownHostsFile: join(dir, '.ssh', 'known_hosts'),
      agent: '/s',
      acceptNewHostKeys: false,
      become: false,
    });
    expect(
      resolveTarget(
        { host: 'x', hostname: '127.0.0.1', agent: false, sshConfigFile: false },
        { ...env, sshAuthSock: '/s' },
      ).agent,
    ).toBeUndefined();
  });

  it('a Host * ProxyJump does not make the bastion jump through itself', () => {
    const f = join(dir, 'loop');
    writeFileSync(f, 'Host *\n ProxyJump bastion\n');
    const r = resolveTarget({ host: 'n1', hostname: '10.0.0.1', sshConfigFile: f }, env);
    expect(r.jump).toMatchObject({ host: 'bastion' });
    expect(resolveTarget(r.jump!, env).jump).toBeUndefined();
  });
});
