import { z } from 'zod';
import type { FileInfo } from '../facts/file.js';
import { absPath } from '../facts/validators.js';
import { shq } from '../shell/posix.js';
import { attrSteps, chownSpec } from './attrs.js';
import { modeSchema, need, ownerSchema } from './common.js';
import { PlanError } from './errors.js';
import type { Operation, Plan, Step } from './types.js';

export const fileArgs = z
  .strictObject({
    path: absPath,
    /**
     * file: must exist, fix attributes · directory: mkdir -p · touch: create when missing (an existing file's
     * times are left alone, so it stays idempotent) · absent: rm -rf · link: symlink to `src`.
     */
    state: z.enum(['file', 'directory', 'touch', 'absent', 'link']).default('file'),
    mode: modeSchema.optional(),
    owner: ownerSchema.optional(),
    group: ownerSchema.optional(),
    /** Link target (state: link). */
    src: z.string().min(1).optional(),
  })
  .refine((a) => (a.state === 'link') === (a.src !== undefined), {
    message: 'src is required with state: link, and only then',
    path: ['src'],
  });
export type FileArgs = z.infer<typeof fileArgs>;

const OP = 'file';

export const fileOp: Operation<FileArgs> = {
  name: OP,
  args: fileArgs,
  facts: (a) => [{ fact: 'file', args: { path: a.path } }],
  plan(a, facts) {
    const cur = need<FileInfo>(OP, facts, { fact: 'file', args: { path: a.path } });
    const p = shq(a.path);
    const want = { mode: a.mode, owner: a.owner, group: a.group };
    const chown = chownSpec(a.owner, a.group);
    const steps: Step[] = [];
    switch (a.state) {
      case 'absent':
        if (cur.exists) steps.push({ kind: 'exec', command: `rm -rf -- ${p}` });
        return plan(steps, `remove ${a.path}`, { tree: [a.path] });
      case 'file':
        if (!cur.exists) throw new PlanError(OP, `${a.path} does not exist (use state: touch to create it)`);
        if (cur.type !== 'file') throw new PlanError(OP, `${a.path} is a ${cur.type}, not a file`);
        return plan(attrSteps(a.path, cur, want), `set attributes of ${a.path}`, { exact: [a.path] });
      case 'touch':
        if (cur.exists) {
          if (cur.type === 'directory') throw new PlanError(OP, `${a.path} is a directory`);
          return plan(attrSteps(a.path, cur, want), `set attributes of ${a.path}`, { exact: [a.path] });
        }
        steps.push({ kind: 'exec', command: `touch -- ${p}` });
        if (chown) steps.push({ kind: 'exec', command: `chown ${shq(chown)} -- ${p}` });
        if (a.mode) steps.push({ kind: 'exec', command: `chmod ${a.mode} -- ${p}` });
        return plan(steps, `create ${a.path}`, { exact: [a.path] });
      case 'directory':
        if (cur.exists) {
          if (cur.type !== 'directory') throw new PlanError(OP, `${a.path} exists and is a ${cur.type}`);
          return plan(attrSteps(a.path, cur, want), `set attributes of ${a.path}`, { exact: [a.path] });
        }
        steps.push({ kind: 'exec', command: `mkdir -p${a.mode ? ` -m ${a.mode}` : ''} -- ${p}` });
        if (chown) steps.push({ kind: 'exec', command: `chown ${shq(chown)} -- ${p}` });
        // Nothing below a new directory changes (it was absent); `mkdir -p` may create its parents too.
        return plan(steps, `create directory ${a.path}`, { exact: [a.path, ...ancestors(a.path)] });
      case 'link': {
        const src = a.src!;
        if (cur.exists && cur.type === 'link' && cur.target === src) {
          return plan(
            attrSteps(a.path, cur, { owner: a.owner, group: a.group }),
            `set owner of link ${a.path}`,
            { exact: [a.path] },
          );
        }
        if (cur.exists && cur.type === 'directory')
          throw new PlanError(OP, `${a.path} is a directory, will not replace it with a link`);
        // -n: never descend into an existing link to a directory; -f: replace a file or a wrong link.
        steps.push({ kind: 'exec', command: `ln -sfn -- ${shq(src)} ${p}` });
        if (chown) steps.push({ kind: 'exec', command: `chown -h ${shq(chown)} -- ${p}` });
        // A new link changes what every path through it resolves to.
        return plan(steps, `link ${a.path} -> ${src}`, { tree: [a.path] });
      }
    }
  },
};

function plan(steps: Step[], summary: string, touches: NonNullable<Plan['touches']>): Plan {
  return steps.length ? { steps, summary, touches } : { steps };
}

/** `/a/b/c` → `/a/b`, `/a` (never `/`). */
export function ancestors(path: string): string[] {
  const out: string[] = [];
  let p = path.replace(/\/+$/, '');
  for (let i = p.lastIndexOf('/'); i > 0; i = p.lastIndexOf('/')) {
    p = p.slice(0, i);
    out.push(p);
  }
  return out;
}
