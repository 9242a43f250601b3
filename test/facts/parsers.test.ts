import { describe, expect, it } from 'vitest';
import { getFact } from '../../src/facts/index.js';
import { debian, rhel } from './samples.js';

/** Parse like the batch does: fact parser, then its zod schema. */
function parse(name: string, stdout: string, args?: unknown, exitCode = 0): unknown {
  const f = getFact(name);
  const a = f.args ? f.args.parse(args) : args;
  return f.schema.parse(f.parse(stdout, exitCode, a));
}

describe('os', () => {
  it('Debian 12', () => {
    expect(parse('os', debian.osRelease)).toEqual({
      family: 'debian',
      id: 'debian',
      idLike: [],
      version: '12',
      major: 12,
      codename: 'bookworm',
      prettyName: 'Debian GNU/Linux 12 (bookworm)',
    });
  });
  it('RHEL 9 and Rocky 9 are family rhel', () => {
    expect(parse('os', rhel.osRelease)).toMatchObject({
      family: 'rhel',
      id: 'rhel',
      version: '9.4',
      major: 9,
    });
    expect(parse('os', rhel.rockyOsRelease)).toMatchObject({
      family: 'rhel',
      id: 'rocky',
      idLike: ['rhel', 'centos', 'fedora'],
      codename: null,
    });
  });
  it('rejects output without ID or with non KEY=value lines', () => {
    expect(() => parse('os', '')).toThrow(/no ID/);
    expect(() => parse('os', 'this is not os-release\n')).toThrow(/KEY=value/);
  });
});

describe('init and package_manager', () => {
  it('parses systemd and the package manager', () => {
    expect(parse('init', debian.init)).toEqual({ systemd: true, pid1: 'systemd' });
    expect(parse('init', 'other|tini\n')).toEqual({ systemd: false, pid1: 'tini' });
    expect(parse('package_manager', debian.packageManager)).toBe('apt');
    expect(parse('package_manager', rhel.packageManager)).toBe('dnf');
    expect(parse('package_manager', 'none\n')).toBeNull();
  });
  it('rejects garbage', () => {
    expect(() => parse('init', '')).toThrow(/empty/);
    expect(() => parse('package_manager', 'zypper\n')).toThrow(/unexpected/);
  });
});

describe('selinux', () => {
  it('absent on Debian', () => {
    expect(parse('selinux', debian.selinux)).toEqual({
      state: 'absent',
      configured: null,
      configExists: false,
    });
  });
  it('RHEL 9 enforcing, permissive-but-configured-disabled, and disabled', () => {
    expect(parse('selinux', rhel.selinuxEnforcing)).toEqual({
      state: 'enforcing',
      configured: 'enforcing',
      configExists: true,
    });
    expect(parse('selinux', rhel.selinuxPermissiveConfiguredDisabled)).toEqual({
      state: 'permissive',
      configured: 'disabled',
      configExists: true,
    });
    expect(parse('selinux', rhel.selinuxDisabled)).toMatchObject({
      state: 'disabled',
      configured: 'disabled',
    });
  });
  it('rejects unknown values', () => {
    expect(() => parse('selinux', 'selinux\nenforce|2\n')).toThrow(/enforce value/);
    expect(() => parse('selinux', 'selinux\nconfig|sometimes\n')).toThrow(/SELINUX=/);
    expect(() => parse('selinux', 'oops\n')).toThrow(/header/);
  });
});

describe('packages and package_updates', () => {
  it('dpkg on Debian: versions, null for missing and for removed-with-config', () => {
    expect(parse('packages', debian.packages, { names: ['openssh-server', 'libc6', 'nginx'] })).toEqual({
      'openssh-server': '1:9.2p1-2+deb12u10',
      libc6: '2.36-9+deb12u14',
      nginx: null,
    });
    expect(parse('packages', debian.packagesRemovedConfig, { names: ['nginx'] })).toEqual({ nginx: null });
  });
  it('rpm on RHEL 9: epoch kept, "not installed" lines ignored', () => {
    expect(parse('packages', rhel.packages, { names: ['openssh-server', 'shadow-utils', 'nginx'] })).toEqual({
      'openssh-server': '8.7p1-38.el9',
      'shadow-utils': '2:4.9-8.el9',
      nginx: null,
    });
  });
  it('upgrades: apt-cache policy and dnf list --upgrades', () => {
    expect(
      parse('package_updates', debian.aptPolicy, { names: ['openssh-server', 'nginx', 'bash'] }),
    ).toEqual({
      'openssh-server': null,
      nginx: null,
      bash: '5.2.15-2+b13',
    });
    expect(parse('package_updates', rhel.dnfUpgrades, { names: ['bash', 'openssh-server'] })).toEqual({
      bash: '5.1.8-9.el9_4',
      'openssh-server': null,
    });
  });
  it('rejects a missing tool header and invalid package names', () => {
    expect(() => parse('packages', 'nginx\tii \t1\n', { names: ['nginx'] })).toThrow(/tool header/);
    expect(() => parse('packages', debian.packages, { names: ['nginx; rm -rf /'] })).toThrow();
  });
});

describe('units', () => {
  it('Debian 12: enabled, masked, not-found, static', () => {
    const v = parse('units', debian.units, {
      names: ['ssh', 'cron.service', 'nope.service', 'systemd-journald.service'],
    }) as { systemd: boolean; units: Record<string, unknown> };
    expect(v.systemd).toBe(true);
    expect(v.units.ssh).toEqual({
      id: 'ssh.service',
      load: 'loaded',
      active: 'active',
      sub: 'running',
      unitFileState: 'enabled',
      masked: false,
      enabled: true,
      needDaemonReload: false,
      fragmentPath: '/lib/systemd/system/ssh.service',
    });
    expect(v.units['cron.service']).toMatchObject({ load: 'masked', masked: true, enabled: false });
    expect(v.units['nope.service']).toMatchObject({ load: 'not-found', active: 'inactive', enabled: false });
    expect(v.units['systemd-journald.service']).toMatchObject({ unitFileState: 'static', enabled: true });
  });
  it('RHEL 9: disabled unit with a pending daemon-reload', () => {
    const v = parse('units', rhel.units, { names: ['sshd.service', 'pcsd'] }) as {
      units: Record<string, unknown>;
    };
    expect(v.units.pcsd).toMatchObject({ id: 'pcsd.service', enabled: false, needDaemonReload: true });
  });
  it('no systemd, and malformed output', () => {
    expect(parse('units', 'nosystemd\n', { names: ['ssh'] })).toEqual({ systemd: false, units: {} });
    expect(() => parse('units', 'systemd\nunit|ssh\nId=ssh.service\n', { names: ['ssh'] })).toThrow(
      /LoadState/,
    );
    expect(() => parse('units', 'systemd\n', { names: ['ssh'] })).toThrow(/no output for unit ssh/);
  });
});

describe('file', () => {
  it('regular file, directory, link, absent', () => {
    expect(parse('file', debian.fileRegular, { path: '/etc/ssh/sshd_config' })).toEqual({
      exists: true,
      type: 'file',
      mode: '0644',
      owner: 'root',
      group: 'root',
      uid: 0,
      gid: 0,
      size: 3223,
      sha256: '160f305635ece2300959616ab840adeb028dfc3a986bc14859675aaf55e70bbe',
      target: null,
    });
    expect(parse('file', debian.fileDir, { path: '/etc/ssh' })).toMatchObject({
      type: 'directory',
      mode: '0755',
    });
    expect(parse('file', debian.fileLink, { path: '/etc/os-release' })).toMatchObject({
      type: 'link',
      target: '../usr/lib/os-release',
      sha256: null,
    });
    expect(parse('file', debian.fileAbsent, { path: '/nope' })).toEqual({ exists: false });
    expect(parse('file', 'stat|directory|1777|root|root|0|0|4096\n', { path: '/tmp' })).toMatchObject({
      mode: '1777',
    });
  });
  it('rejects malformed stat output and bad hashes', () => {
    expect(() => parse('file', 'stat|regular file|644|root\n', { path: '/x' })).toThrow(/stat output/);
    expect(() => parse('file', 'stat|regular file|64x|root|root|0|0|1\n', { path: '/x' })).toThrow(/mode/);
    expect(() =>
      parse('file', 'stat|regular file|644|root|root|0|0|1\nsha256|zz\n', { path: '/x' }),
    ).toThrow();
  });
  it('rejects relative paths and newlines in args', () => {
    expect(() => parse('file', debian.fileAbsent, { path: 'etc/hosts' })).toThrow(/absolute/);
    expect(() => parse('file', debian.fileAbsent, { path: '/etc/x\ny' })).toThrow();
    expect(() => parse('file', debian.fileAbsent, { path: '/etc/../root' })).toThrow(/\.\./);
  });
});

describe('file_content, path_exists, block_in_file', () => {
  it('decodes base64 content', () => {
    const b64 = Buffer.from('a = 1\nb = ü\n').toString('base64');
    expect(parse('file_content', `content|\n${b64}\n`, { path: '/x' })).toEqual({
      exists: true,
      content: 'a = 1\nb = ü\n',
      tooLarge: false,
    });
    expect(parse('file_content', 'content|\n', { path: '/x' })).toMatchObject({ content: '' });
    expect(parse('file_content', 'absent\n', { path: '/x' })).toEqual({
      exists: false,
      content: null,
      tooLarge: false,
    });
    expect(parse('file_content', 'large\n', { path: '/x' })).toMatchObject({ tooLarge: true, content: null });
    expect(() => parse('file_content', 'content|\n@@@\n', { path: '/x' })).toThrow(/base64/);
  });
  it('path_exists', () => {
    expect(parse('path_exists', 'yes\n', { path: '/x' })).toBe(true);
    expect(parse('path_exists', 'no\n', { path: '/x' })).toBe(false);
    expect(() => parse('path_exists', 'maybe\n', { path: '/x' })).toThrow();
  });
  it('block_in_file: found, not found, no file', () => {
    const args = { path: '/x', begin: '# BEGIN', end: '# END' };
    const found = Buffer.from('line 1\nline 2\n\u0001END\n').toString('base64');
    expect(parse('block_in_file', `file\n${found}\n`, args)).toEqual({
      fileExists: true,
      found: true,
      block: 'line 1\nline 2',
    });
    const open = Buffer.from('line 1\n').toString('base64');
    expect(parse('block_in_file', `file\n${open}\n`, args)).toMatchObject({ found: false, block: null });
    expect(parse('block_in_file', 'nofile\n', args)).toEqual({
      fileExists: false,
      found: false,
      block: null,
    });
  });
});

describe('sysctl', () => {
  it('squeezes whitespace, null for missing keys', () => {
    expect(
      parse('sysctl', debian.sysctl, {
        names: ['net.ipv4.ip_local_port_range', 'vm.swappiness', 'net.ipv4.nope'],
      }),
    ).toEqual({
      'net.ipv4.ip_local_port_range': '32768 60999',
      'vm.swappiness': '60',
      'net.ipv4.nope': null,
    });
  });
  it('rejects malformed lines and missing keys', () => {
    expect(() => parse('sysctl', 'vm.swappiness = 60\n', { names: ['vm.swappiness'] })).toThrow(
      /unexpected line/,
    );
    expect(() =>
      parse('sysctl', 'R\tvm.swappiness\n/proc/sys/vm/swappiness:60\n', { names: ['vm.swappiness', 'vm.x'] }),
    ).toThrow(/vm\.x/);
    // A value line for a key not announced readable (or not requested) is never attributed.
    expect(() =>
      parse('sysctl', 'M\tvm.swappiness\n/proc/sys/vm/swappiness:60\n', { names: ['vm.swappiness'] }),
    ).toThrow(/not announced/);
    expect(() =>
      parse('sysctl', 'R\tvm.x\n/proc/sys/vm/swappiness:60\n', { names: ['vm.swappiness'] }),
    ).toThrow(/unexpected line/);
  });
});

describe('users, groups, authorized_keys', () => {
  it('Debian users with supplementary groups (primary excluded)', () => {
    expect(parse('users', debian.users, { names: ['root', 'hakit', 'sshd', 'ghost'] })).toEqual({
      root: { uid: 0, gid: 0, group: 'root', groups: [], home: '/root', shell: '/bin/bash', comment: 'root' },
      hakit: {
        uid: 1000,
        gid: 1000,
        group: 'hakit',
        groups: ['sudo'],
        home: '/home/hakit',
        shell: '/bin/bash',
        comment: '',
      },
      sshd: {
        uid: 101,
        gid: 65534,
        group: 'nogroup',
        groups: [],
        home: '/run/sshd',
        shell: '/usr/sbin/nologin',
        comment: '',
      },
      ghost: null,
    });
  });
  it('RHEL 9 user in wheel', () => {
    expect(parse('users', rhel.users, { names: ['cloud-user'] })).toMatchObject({
      'cloud-user': { comment: 'Cloud User', groups: ['adm', 'systemd-journal', 'wheel'] },
    });
  });
  it('groups', () => {
    expect(parse('groups', debian.groups, { names: ['sudo', 'ghost', 'root'] })).toEqual({
      sudo: { gid: 27, members: ['hakit'] },
      ghost: null,
      root: { gid: 0, members: [] },
    });
  });
  it('rejects malformed passwd/group entries', () => {
    expect(() => parse('users', 'U|x|x:x:notanumber:0::/:/bin/sh\n', { names: ['x'] })).toThrow(
      /passwd entry/,
    );
    expect(() => parse('groups', 'G|x|x:x\n', { names: ['x'] })).toThrow(/group entry/);
    expect(() => parse('users', 'N|other\n', { names: ['x'] })).toThrow(/no output for user x/);
  });
  it('authorized_keys: no ~/.ssh yet; existing file with content and sha256', () => {
    expect(parse('authorized_keys', debian.authorizedKeysNoDir, { user: 'hakit' })).toEqual({
      userExists: true,
      home: '/home/hakit',
      group: 'hakit',
      dir: { exists: false },
      file: { exists: false },
      content: null,
    });
    const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE1 a@b\n';
    const out = `home|/root\ngroup|root\nK|11\nstat|directory|700|root|root|0|0|4096|/root/.ssh\nstat|regular file|600|root|root|0|0|${key.length}|/root/.ssh/authorized_keys\nS|0\ncontent|\n${Buffer.from(key).toString('base64')}\n`;
    expect(parse('authorized_keys', out, { user: 'root' })).toMatchObject({
      content: key,
      file: { type: 'file', mode: '0600', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    expect(parse('authorized_keys', 'nouser\n', { user: 'ghost' })).toEqual({ userExists: false });
    expect(() => parse('authorized_keys', 'garbage\n', { user: 'root' })).toThrow(/header/);
  });
});
