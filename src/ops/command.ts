import { z } from 'zod';
import { absPath } from '../facts/validators.js';
import { shq } from '../shell/posix.js';
import { need } from './common.js';
import type { FactRequest, Operation } from './types.js';

const condition = z.union([z.boolean(), z.string().min(1)]);

const base = {
  /** Skip when this path exists. */
  creates: absPath.optional(),
  /** Run only when this path exists. */
  removes: absPath.optional(),
  /** Working directory. */
  chdir: absPath.optional(),
  /** Extra environment, exported before the command (names shown in plans, values not). */
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()).optional(),
  /** Bytes for the command's stdin (never shown). */
  stdin: z.string().optional(),
  /** Evaluated by the engine on the result (exposed here only). */
  changed_when: condition.optional(),
  failed_when: condition.optional(),
};

export const shellArgs = z.strictObject({ cmd: z.string().min(1), ...base });
export type ShellArgs = z.infer<typeof shellArgs>;

export const commandArgs = z
  .strictObject({
    /** A shell command line (run by sh, like `shell`). */
    cmd: z.string().min(1).optional(),
    /** Or an argument vector, each element quoted: no shell interpretation at all. */
    argv: z.array(z.string()).min(1).optional(),
    ...base,
  })
  .refine((a) => (a.cmd === undefined) !== (a.argv === undefined), {
    message: 'give exactly one of cmd or argv',
  });
export type CommandArgs = z.infer<typeof commandArgs>;

type AnyCommandArgs = ShellArgs | CommandArgs;

function factsFor(a: AnyCommandArgs): FactRequest[] {
  const reqs: FactRequest[] = [];
  if (a.creates) reqs.push({ fact: 'path_exists', args: { path: a.creates } });
  if (a.removes) reqs.push({ fact: 'path_exists', args: { path: a.removes } });
  return reqs;
}

function makeCommand<A extends AnyCommandArgs>(name: string, schema: z.ZodType<A>): Operation<A> {
  return {
    name,
    args: schema,
    facts: factsFor,
    plan(a, facts) {
      if (a.creates && need<boolean>(name, facts, { fact: 'path_exists', args: { path: a.creates } }))
        return { steps: [] };
      if (a.removes && !need<boolean>(name, facts, { fact: 'path_exists', args: { path: a.removes } }))
        return { steps: [] };
      const line = 'argv' in a && a.argv ? a.argv.map(shq).join(' ') : a.cmd!;
      const prefix: string[] = [];
      if (a.chdir) prefix.push(`cd ${shq(a.chdir)} || exit 1`);
      const envNames = Object.keys(a.env ?? {});
      for (const [k, v] of Object.entries(a.env ?? {})) prefix.push(`export ${k}=${shq(v)}`);
      const command = [...prefix, line].join('\n');
      return {
        steps: [
          {
            kind: 'exec',
            command,
            ...(a.stdin !== undefined ? { stdin: a.stdin } : {}),
            ...(envNames.length ? { display: `${envNames.map((k) => `${k}=…`).join(' ')} ${line}` } : {}),
          },
        ],
        summary: `run ${line.split('\n', 1)[0]}`,
      };
    },
  };
}

/** Runs a shell command line (changed_when/failed_when are evaluated by the engine). */
export const shellOp = makeCommand('shell', shellArgs);
/** Runs a command line or an argv vector. */
export const commandOp = makeCommand('command', commandArgs);
