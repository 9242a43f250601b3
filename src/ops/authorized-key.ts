import { z } from 'zod';
import type { AuthorizedKeysInfo } from '../facts/authorized-keys.js';
import { accountName } from '../facts/validators.js';
import { shq } from '../shell/posix.js';
import { attrSteps } from './attrs.js';
import { need } from './common.js';
import { PlanError } from './errors.js';
import type { Operation, Plan, Step } from './types.js';
import { planFileWrite } from './write-file.js';

const KEY_RE = /(?:^|\s)((?:ssh-|ecdsa-|sk-)[A-Za-z0-9@._-]+)\s+([A-Za-z0-9+/]+={0,3})(?:\s|$)/;

/** The identity of a key line: `type blob` (options and comment ignored); null for non-key lines. */
export function keyIdentity(line: string): string | null {
  const t = line.trim();
  if (!t || t.startsWith('#')) return null;
  const m = KEY_RE.exec(t);
  return m ? `${m[1]} ${m[2]}` : null;
}

export const authorizedKeyArgs = z.strictObject({
  user: accountName,
  /** One authorized_keys line: `[options] type base64 [comment]`. */
  key: z
    .string()
    .transform((k) => k.trim())
    .pipe(
      z
        .string()
        .regex(/^[^\n\r\0]+$/, 'one line')
        .refine((k) => keyIdentity(k) !== null, 'not an SSH public key line'),
    ),
  state: z.enum(['present', 'absent']).default('present'),
});
export type AuthorizedKeyArgs = z.infer<typeof authorizedKeyArgs>;

/**
 * Computes the new authorized_keys content: present adds the line (or replaces a line with the same key
 * but other options/comment); absent removes every line with that key.
 */
export function editAuthorizedKeys(content: string, key: string, state: 'present' | 'absent'): string {
  const id = keyIdentity(key);
  const lines = content === '' ? [] : content.replace(/\n$/, '').split('\n');
  if (state === 'absent') {
    const kept = lines.filter((l) => keyIdentity(l) !== id);
    return kept.length ? `${kept.join('\n')}\n` : '';
  }
  let found = false;
  const out: string[] = [];
  for (const l of lines) {
    if (keyIdentity(l) !== id) out.push(l);
    else if (!found) {
      out.push(key);
      found = true;
    }
  }
  if (!found) out.push(key);
  return `${out.join('\n')}\n`;
}

const OP = 'authorized_key';

/** One SSH public key in a user's ~/.ssh/authorized_keys (dir 0700, file 0600, owned by the user). */
export const authorizedKeyOp: Operation<AuthorizedKeyArgs> = {
  name: OP,
  args: authorizedKeyArgs,
  facts: (a) => [{ fact: 'authorized_keys', args: { user: a.user } }],
  plan(a, facts) {
    const info = need<AuthorizedKeysInfo>(OP, facts, { fact: 'authorized_keys', args: { user: a.user } });
    if (!info.userExists) throw new PlanError(OP, `user ${a.user} does not exist`);
    const dir = `${info.home === '/' ? '' : info.home}/.ssh`;
    const path = `${dir}/authorized_keys`;
    const before = info.content ?? '';
    const after = editAuthorizedKeys(before, a.key, a.state);
    if (a.state === 'absent' && (!info.file.exists || after === before)) return { steps: [] };
    const steps: Step[] = [];
    const attrs = { mode: '0700', owner: a.user, group: info.group };
    if (!info.dir.exists) {
      steps.push({
        kind: 'exec',
        command: `install -d -m 0700 -o ${shq(a.user)} -g ${shq(info.group)} -- ${shq(dir)}`,
      });
    } else if (info.dir.type !== 'directory') {
      throw new PlanError(OP, `${dir} is not a directory`);
    } else {
      steps.push(...attrSteps(dir, info.dir, attrs));
    }
    const w = planFileWrite(
      OP,
      { dest: path, content: after, mode: '0600', owner: a.user, group: info.group },
      info.file,
      info.content,
    );
    steps.push(...w.steps);
    if (!steps.length) return { steps };
    const plan: Plan = {
      steps,
      summary: `${a.state === 'present' ? 'authorize' : 'remove'} key for ${a.user}`,
    };
    if (w.diffs) plan.diffs = w.diffs;
    return plan;
  },
};
