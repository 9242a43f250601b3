import { z } from 'zod';
import { shq } from '../shell/posix.js';
import { ParseProblem } from './errors.js';
import { lines, splitOnce } from './lines.js';
import type { Fact } from './types.js';
import { accountName } from './validators.js';

export const accountsArgs = z.strictObject({ names: z.array(accountName).min(1) });
export type AccountsArgs = z.infer<typeof accountsArgs>;

export const userInfoSchema = z.object({
  uid: z.number().int(),
  gid: z.number().int(),
  /** Primary group's name (the gid when it has none). */
  group: z.string(),
  /** Supplementary groups (primary excluded), sorted. */
  groups: z.array(z.string()),
  home: z.string(),
  shell: z.string(),
  comment: z.string(),
});
export type UserInfo = z.infer<typeof userInfoSchema>;
export const usersSchema = z.record(z.string(), userInfoSchema.nullable());
export type UsersInfo = z.infer<typeof usersSchema>;

export const groupInfoSchema = z.object({ gid: z.number().int(), members: z.array(z.string()) });
export type GroupInfo = z.infer<typeof groupInfoSchema>;
export const groupsSchema = z.record(z.string(), groupInfoSchema.nullable());
export type GroupsInfo = z.infer<typeof groupsSchema>;

/** Users from getent passwd (NSS, so LDAP/SSSD users count), with their group memberships from `id`. */
export const usersFact: Fact<UsersInfo, AccountsArgs> = {
  name: 'users',
  args: accountsArgs,
  command({ names }) {
    return [
      `for u in ${names.map(shq).join(' ')}; do`,
      '  if e=$(getent passwd "$u"); then printf \'U|%s|%s\\n\' "$u" "$e"',
      '    printf \'G|%s|%s|%s\\n\' "$u" "$(id -gn "$u" 2>/dev/null)" "$(id -Gn "$u" 2>/dev/null)"',
      '  else printf \'N|%s\\n\' "$u"; fi',
      'done',
    ].join('\n');
  },
  parse(stdout, _code, { names }) {
    const out: UsersInfo = {};
    const partial = new Map<string, Omit<UserInfo, 'group' | 'groups'>>();
    for (const l of lines(stdout)) {
      const [kind, rest] = splitOnce(l, '|');
      const [name, value] = splitOnce(rest, '|');
      if (kind === 'N') out[name] = null;
      else if (kind === 'U') {
        const f = value.split(':');
        if (f.length !== 7 || !/^\d+$/.test(f[2]!) || !/^\d+$/.test(f[3]!))
          throw new ParseProblem(`unexpected passwd entry for ${name}`);
        partial.set(name, {
          uid: Number(f[2]),
          gid: Number(f[3]),
          comment: f[4]!,
          home: f[5]!,
          shell: f[6]!,
        });
      } else if (kind === 'G') {
        const base = partial.get(name);
        if (!base) throw new ParseProblem(`group line before passwd line for ${name}`);
        const [primary, all] = splitOnce(value, '|');
        const group = primary || String(base.gid);
        const groups = [...new Set(all.split(/\s+/).filter((g) => g && g !== group))].sort();
        out[name] = { ...base, group, groups };
      } else throw new ParseProblem(`unexpected line marker "${kind.slice(0, 10)}"`);
    }
    for (const n of names) if (!(n in out)) throw new ParseProblem(`no output for user ${n}`);
    return out;
  },
  schema: usersSchema,
};

/** Groups from getent group. */
export const groupsFact: Fact<GroupsInfo, AccountsArgs> = {
  name: 'groups',
  args: accountsArgs,
  command({ names }) {
    return [
      `for g in ${names.map(shq).join(' ')}; do`,
      '  if e=$(getent group "$g"); then printf \'G|%s|%s\\n\' "$g" "$e"; else printf \'N|%s\\n\' "$g"; fi',
      'done',
    ].join('\n');
  },
  parse(stdout, _code, { names }) {
    const out: GroupsInfo = {};
    for (const l of lines(stdout)) {
      const [kind, rest] = splitOnce(l, '|');
      const [name, value] = splitOnce(rest, '|');
      if (kind === 'N') out[name] = null;
      else if (kind === 'G') {
        const f = value.split(':');
        if (f.length !== 4 || !/^\d+$/.test(f[2]!))
          throw new ParseProblem(`unexpected group entry for ${name}`);
        out[name] = { gid: Number(f[2]), members: f[3]!.split(',').filter(Boolean) };
      } else throw new ParseProblem(`unexpected line marker "${kind.slice(0, 10)}"`);
    }
    for (const n of names) if (!(n in out)) throw new ParseProblem(`no output for group ${n}`);
    return out;
  },
  schema: groupsSchema,
};
