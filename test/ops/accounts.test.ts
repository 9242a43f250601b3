import { describe, expect, it } from 'vitest';
import type { UserInfo } from '../../src/facts/accounts.js';
import { editAuthorizedKeys, keyIdentity } from '../../src/ops/authorized-key.js';
import { PlanError } from '../../src/ops/index.js';
import { sha256 } from '../../src/ops/write-file.js';
import { commands, existingFile, planOp } from './helpers.js';

const users = (name: string, u: UserInfo | null) =>
  [{ fact: 'users', args: { names: [name] } }, { [name]: u }] as [never, unknown];
const groups = (name: string, g: { gid: number; members: string[] } | null) =>
  [{ fact: 'groups', args: { names: [name] } }, { [name]: g }] as [never, unknown];
const alice: UserInfo = {
  uid: 1001,
  gid: 1001,
  group: 'alice',
  groups: ['daemon'],
  home: '/home/alice',
  shell: '/bin/bash',
  comment: 'Alice',
};

describe('user operation', () => {
  it('creates with every given flag', () => {
    expect(
      commands(
        planOp(
          'user',
          {
            name: 'hacluster',
            uid: 189,
            group: 'haclient',
            groups: ['a', 'b'],
            shell: '/sbin/nologin',
            home: '/var/lib/pacemaker',
            comment: 'cluster user',
            system: true,
            create_home: false,
          },
          users('hacluster', null),
        ),
      ),
    ).toEqual([
      "useradd -u 189 -g haclient -G a,b -s /sbin/nologin -d /var/lib/pacemaker -c 'cluster user' -r -M hacluster",
    ]);
  });

  it('existing and matching → empty; numeric group compares with gid', () => {
    expect(
      planOp(
        'user',
        { name: 'alice', uid: 1001, group: 1001, groups: ['daemon'], shell: '/bin/bash', comment: 'Alice' },
        users('alice', alice),
      ),
    ).toEqual({ steps: [] });
  });

  it('modifies only what differs; groups exact or appended', () => {
    expect(
      commands(
        planOp('user', { name: 'alice', shell: '/bin/sh', groups: ['adm', 'daemon'] }, users('alice', alice)),
      ),
    ).toEqual(['usermod -G adm,daemon -s /bin/sh alice']);
    expect(
      commands(planOp('user', { name: 'alice', groups: ['adm'], append: true }, users('alice', alice))),
    ).toEqual(['usermod -a -G adm alice']);
    expect(
      planOp('user', { name: 'alice', groups: ['daemon'], append: true }, users('alice', alice)),
    ).toEqual({ steps: [] });
    // The primary group listed among supplementary ones is ignored.
    expect(planOp('user', { name: 'alice', groups: ['alice', 'daemon'] }, users('alice', alice))).toEqual({
      steps: [],
    });
    expect(commands(planOp('user', { name: 'alice', groups: [] }, users('alice', alice)))).toEqual([
      "usermod -G '' alice",
    ]);
  });

  it('absent: userdel (-r with remove); gone → empty', () => {
    expect(
      commands(planOp('user', { name: 'alice', state: 'absent', remove: true }, users('alice', alice))),
    ).toEqual(['userdel -r alice']);
    expect(planOp('user', { name: 'alice', state: 'absent' }, users('alice', null))).toEqual({ steps: [] });
  });
});

describe('group operation', () => {
  it('create, fix gid, keep, remove', () => {
    expect(
      commands(planOp('group', { name: 'haclient', gid: 189, system: true }, groups('haclient', null))),
    ).toEqual(['groupadd -g 189 -r haclient']);
    expect(
      commands(
        planOp('group', { name: 'haclient', gid: 190 }, groups('haclient', { gid: 189, members: [] })),
      ),
    ).toEqual(['groupmod -g 190 haclient']);
    expect(
      planOp('group', { name: 'haclient', gid: 189 }, groups('haclient', { gid: 189, members: [] })),
    ).toEqual({
      steps: [],
    });
    expect(
      commands(
        planOp('group', { name: 'haclient', state: 'absent' }, groups('haclient', { gid: 1, members: [] })),
      ),
    ).toEqual(['groupdel haclient']);
  });
});

const KEY_A = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAAAA alice@laptop';
const KEY_B = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABBBBB bob@desk';

describe('authorized_key', () => {
  it('key identity ignores options and comments', () => {
    expect(keyIdentity(KEY_A)).toBe('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAAAA');
    expect(keyIdentity(`from="10.0.0.0/8",no-pty ${KEY_A} other`)).toBe(keyIdentity(KEY_A));
    expect(keyIdentity('# comment')).toBeNull();
    expect(keyIdentity('not a key')).toBeNull();
  });

  it('editAuthorizedKeys: add, keep, replace options, remove', () => {
    expect(editAuthorizedKeys('', KEY_A, 'present')).toBe(`${KEY_A}\n`);
    expect(editAuthorizedKeys(`${KEY_A}\n`, KEY_A, 'present')).toBe(`${KEY_A}\n`);
    expect(editAuthorizedKeys(`# mine\n${KEY_B}`, KEY_A, 'present')).toBe(`# mine\n${KEY_B}\n${KEY_A}\n`);
    expect(editAuthorizedKeys(`${KEY_A}\n`, `no-pty ${KEY_A}`, 'present')).toBe(`no-pty ${KEY_A}\n`);
    expect(editAuthorizedKeys(`${KEY_B}\nno-pty ${KEY_A}\n`, KEY_A, 'absent')).toBe(`${KEY_B}\n`);
  });

  const ak = (v: unknown) => [{ fact: 'authorized_keys', args: { user: 'alice' } }, v] as [never, unknown];
  const dirOk = existingFile({
    type: 'directory',
    mode: '0700',
    owner: 'alice',
    group: 'alice',
    uid: 1001,
    gid: 1001,
  });

  it('no ~/.ssh: creates it 0700 and writes the file 0600, both owned by the user', () => {
    const plan = planOp(
      'authorized_key',
      { user: 'alice', key: KEY_A },
      ak({
        userExists: true,
        home: '/home/alice',
        group: 'alice',
        dir: { exists: false },
        file: { exists: false },
        content: null,
      }),
    );
    expect(commands(plan)[0]).toBe('install -d -m 0700 -o alice -g alice -- /home/alice/.ssh');
    expect(plan.steps[1]).toMatchObject({ kind: 'put', content: `${KEY_A}\n`, mode: 0o600 });
    expect(commands(plan)[2]).toContain('chown alice:alice -- "$t"');
    expect(plan.diffs).toEqual([
      { path: '/home/alice/.ssh/authorized_keys', before: null, after: `${KEY_A}\n` },
    ]);
  });

  it('key present with right modes → empty; wrong dir mode → chmod only', () => {
    const content = `${KEY_A}\n`;
    const file = existingFile({
      mode: '0600',
      owner: 'alice',
      group: 'alice',
      uid: 1001,
      gid: 1001,
      sha256: sha256(content),
    });
    const info = { userExists: true, home: '/home/alice', group: 'alice', dir: dirOk, file, content };
    expect(planOp('authorized_key', { user: 'alice', key: KEY_A }, ak(info))).toEqual({ steps: [] });
    expect(
      commands(
        planOp(
          'authorized_key',
          { user: 'alice', key: KEY_A },
          ak({ ...info, dir: { ...dirOk, mode: '0755' } }),
        ),
      ),
    ).toEqual(['chmod 0700 -- /home/alice/.ssh']);
    expect(planOp('authorized_key', { user: 'alice', key: KEY_B, state: 'absent' }, ak(info))).toEqual({
      steps: [],
    });
  });

  it('unknown user → PlanError; a non-key line is rejected', () => {
    expect(() => planOp('authorized_key', { user: 'alice', key: KEY_A }, ak({ userExists: false }))).toThrow(
      PlanError,
    );
    expect(() => planOp('authorized_key', { user: 'alice', key: 'hello world' })).toThrow(
      /not an SSH public key/,
    );
    expect(() => planOp('authorized_key', { user: 'alice', key: `${KEY_A}\n${KEY_B}` })).toThrow();
  });
});
