import { z } from 'zod';
import type { GroupsInfo, UsersInfo } from '../facts/accounts.js';
import { absPath, accountName } from '../facts/validators.js';
import { shq } from '../shell/posix.js';
import { need, ownerSchema, sameAccount } from './common.js';
import type { Operation } from './types.js';

export const userArgs = z.strictObject({
  name: accountName,
  state: z.enum(['present', 'absent']).default('present'),
  uid: z.number().int().nonnegative().optional(),
  /** Primary group (name or gid); must exist. */
  group: ownerSchema.optional(),
  /** Supplementary groups; with `append: false` (default) the user ends up in exactly these. */
  groups: z.array(accountName).optional(),
  append: z.boolean().default(false),
  shell: absPath.optional(),
  home: absPath.optional(),
  comment: z
    .string()
    .regex(/^[^:\n\r\0]*$/, 'no colons or newlines')
    .optional(),
  /** A system account (useradd -r); only applies at creation. */
  system: z.boolean().default(false),
  /** Create the home directory at creation (useradd -m / -M). */
  create_home: z.boolean().default(true),
  /** With state: absent, also remove the home directory and mail spool (userdel -r). */
  remove: z.boolean().default(false),
});
export type UserArgs = z.infer<typeof userArgs>;

export const groupArgs = z.strictObject({
  name: accountName,
  state: z.enum(['present', 'absent']).default('present'),
  gid: z.number().int().nonnegative().optional(),
  system: z.boolean().default(false),
});
export type GroupArgs = z.infer<typeof groupArgs>;

/** Local users: useradd / usermod (only what differs) / userdel. */
export const userOp: Operation<UserArgs> = {
  name: 'user',
  args: userArgs,
  facts: (a) => [{ fact: 'users', args: { names: [a.name] } }],
  plan(a, facts) {
    const u = need<UsersInfo>('user', facts, { fact: 'users', args: { names: [a.name] } })[a.name] ?? null;
    const n = shq(a.name);
    if (a.state === 'absent') {
      if (!u) return { steps: [] };
      return {
        steps: [{ kind: 'exec', command: `userdel ${a.remove ? '-r ' : ''}${n}` }],
        summary: `remove user ${a.name}`,
      };
    }
    const flags: string[] = [];
    if (!u) {
      if (a.uid !== undefined) flags.push(`-u ${a.uid}`);
      if (a.group !== undefined) flags.push(`-g ${shq(a.group)}`);
      if (a.groups?.length) flags.push(`-G ${shq(a.groups.join(','))}`);
      if (a.shell) flags.push(`-s ${shq(a.shell)}`);
      if (a.home) flags.push(`-d ${shq(a.home)}`);
      if (a.comment !== undefined) flags.push(`-c ${shq(a.comment)}`);
      if (a.system) flags.push('-r');
      flags.push(a.create_home ? '-m' : '-M');
      return {
        steps: [{ kind: 'exec', command: `useradd ${flags.join(' ')} ${n}` }],
        summary: `create user ${a.name}`,
      };
    }
    if (a.uid !== undefined && u.uid !== a.uid) flags.push(`-u ${a.uid}`);
    if (a.group !== undefined && !sameAccount(a.group, u.group, u.gid)) flags.push(`-g ${shq(a.group)}`);
    if (a.groups) {
      const primary = a.group ?? u.group;
      const want = [...new Set(a.groups)].filter((g) => g !== primary).sort();
      if (a.append) {
        const missing = want.filter((g) => !u.groups.includes(g));
        if (missing.length) flags.push(`-a -G ${shq(missing.join(','))}`);
      } else if (want.join(',') !== u.groups.join(',')) {
        flags.push(`-G ${shq(want.join(','))}`);
      }
    }
    if (a.shell && u.shell !== a.shell) flags.push(`-s ${shq(a.shell)}`);
    if (a.home && u.home !== a.home) flags.push(`-d ${shq(a.home)}`);
    if (a.comment !== undefined && u.comment !== a.comment) flags.push(`-c ${shq(a.comment)}`);
    if (!flags.length) return { steps: [] };
    return {
      steps: [{ kind: 'exec', command: `usermod ${flags.join(' ')} ${n}` }],
      summary: `modify user ${a.name}`,
    };
  },
};

/** Local groups: groupadd / groupmod -g / groupdel. */
export const groupOp: Operation<GroupArgs> = {
  name: 'group',
  args: groupArgs,
  facts: (a) => [{ fact: 'groups', args: { names: [a.name] } }],
  plan(a, facts) {
    const g = need<GroupsInfo>('group', facts, { fact: 'groups', args: { names: [a.name] } })[a.name] ?? null;
    const n = shq(a.name);
    if (a.state === 'absent') {
      return g
        ? { steps: [{ kind: 'exec', command: `groupdel ${n}` }], summary: `remove group ${a.name}` }
        : { steps: [] };
    }
    if (!g) {
      const flags = [...(a.gid !== undefined ? [`-g ${a.gid}`] : []), ...(a.system ? ['-r'] : [])];
      return {
        steps: [{ kind: 'exec', command: ['groupadd', ...flags, n].join(' ') }],
        summary: `create group ${a.name}`,
      };
    }
    if (a.gid !== undefined && g.gid !== a.gid) {
      return {
        steps: [{ kind: 'exec', command: `groupmod -g ${a.gid} ${n}` }],
        summary: `set gid of ${a.name}`,
      };
    }
    return { steps: [] };
  },
};
