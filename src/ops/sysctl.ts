import { z } from 'zod';
import type { FileInfo } from '../facts/file.js';
import type { FileContent } from '../facts/file-content.js';
import { normalizeSysctlValue, type SysctlValues } from '../facts/sysctl.js';
import { absPath, sysctlName } from '../facts/validators.js';
import { shq } from '../shell/posix.js';
import { need } from './common.js';
import { PlanError } from './errors.js';
import type { FactRequest, Operation, Plan, Step } from './types.js';
import { planFileWrite } from './write-file.js';

export const sysctlArgs = z.strictObject({
  name: sysctlName,
  value: z.union([z.string().regex(/^[^\n\r\0]*$/), z.number()]),
  /** Also write `name = value` to `file` so it survives a reboot. */
  persist: z.boolean().default(true),
  file: absPath.default('/etc/sysctl.d/99-hakit.conf'),
  /** Apply the live value with `sysctl -w` (off: only persist). */
  apply: z.boolean().default(true),
});
export type SysctlArgs = z.infer<typeof sysctlArgs>;

const OP = 'sysctl';

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * Sets `name = value` in sysctl.d-style content: the first assignment of the key is replaced (kept as is
 * when it already has the value), later ones dropped, else the line is appended. Returns the new content.
 */
export function setSysctlLine(content: string, name: string, value: string): string {
  const re = new RegExp(`^\\s*-?${escapeRe(name)}\\s*=\\s*(.*?)\\s*$`);
  const lines = content === '' ? [] : content.replace(/\n$/, '').split('\n');
  const out: string[] = [];
  let done = false;
  for (const l of lines) {
    const m = re.exec(l);
    if (!m) out.push(l);
    else if (!done) {
      out.push(normalizeSysctlValue(m[1]!) === value ? l : `${name} = ${value}`);
      done = true;
    }
  }
  if (!done) out.push(`${name} = ${value}`);
  return `${out.join('\n')}\n`;
}

/** A kernel parameter: live with `sysctl -w`, persisted in a sysctl.d file. */
export const sysctlOp: Operation<SysctlArgs> = {
  name: OP,
  args: sysctlArgs,
  facts(a) {
    const reqs: FactRequest[] = [{ fact: 'sysctl', args: { names: [a.name] } }];
    if (a.persist)
      reqs.push({ fact: 'file', args: { path: a.file } }, { fact: 'file_content', args: { path: a.file } });
    return reqs;
  },
  plan(a, facts) {
    const want = normalizeSysctlValue(a.value);
    const steps: Step[] = [];
    const what: string[] = [];
    let diffs: Plan['diffs'];
    if (a.apply) {
      const live = need<SysctlValues>(OP, facts, { fact: 'sysctl', args: { names: [a.name] } })[a.name];
      if (live === null || live === undefined) throw new PlanError(OP, `unknown kernel parameter ${a.name}`);
      if (live !== want) {
        steps.push({ kind: 'exec', command: `sysctl -q -w ${shq(`${a.name}=${want}`)}` });
        what.push(`set ${a.name}=${want}`);
      }
    }
    if (a.persist) {
      const cur = need<FileInfo>(OP, facts, { fact: 'file', args: { path: a.file } });
      const fc = need<FileContent>(OP, facts, { fact: 'file_content', args: { path: a.file } });
      if (fc.tooLarge) throw new PlanError(OP, `${a.file} is too large to edit`);
      const before = fc.content ?? '';
      const after = setSysctlLine(before, a.name, want);
      if (after !== before || !cur.exists) {
        const w = planFileWrite(
          OP,
          { dest: a.file, content: after, mode: cur.exists ? undefined : '0644' },
          cur,
          fc.content,
        );
        steps.push(...w.steps);
        diffs = w.diffs;
        what.push(`persist in ${a.file}`);
      }
    }
    if (!steps.length) return { steps };
    return { steps, summary: what.join(', '), ...(diffs ? { diffs } : {}) };
  },
};
