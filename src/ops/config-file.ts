import { z } from 'zod';
import type { FileInfo } from '../facts/file.js';
import type { FileContent } from '../facts/file-content.js';
import { maybe, need } from './common.js';
import { PlanError } from './errors.js';
import { blockInFileArgs, blockInFileOp } from './lineinfile.js';
import type { FactRequest, Operation } from './types.js';
import { planFileWrite } from './write-file.js';

/**
 * One file of the host's desired state, as the executor resolves it from `config_file: {file: ID}`: the bytes,
 * path, mode, owner and validator come from the component that owns the file, never from the playbook.
 */
export const resolvedFile = z.strictObject({
  dest: z.string().startsWith('/'),
  content: z.union([z.string(), z.instanceof(Buffer)]),
  mode: z.string().regex(/^0[0-7]{3}$/),
  owner: z.string().optional(),
  group: z.string().optional(),
  validate: z.string().optional(),
  sensitive: z.boolean(),
  /** A managed block inside a file the host owns: content is the block with both marker lines. */
  block: z.strictObject({ begin: z.string(), end: z.string() }).optional(),
});
export type ResolvedFile = z.infer<typeof resolvedFile>;

export const configFileArgs = z.strictObject({
  /** The file's id in the host's desired state (e.g. corosync, corosync-authkey, haproxy, cib). */
  file: z.string().regex(/^[a-z][a-z0-9-]*$/, 'a file id such as corosync or haproxy'),
  /** Filled in by the executor from the desired state; a playbook never sets it. */
  spec: resolvedFile.optional(),
});
export type ConfigFileArgs = z.infer<typeof configFileArgs>;

function spec(a: ConfigFileArgs): ResolvedFile {
  if (!a.spec) throw new PlanError('config_file', `file "${a.file}" was not resolved from the desired state`);
  return a.spec;
}

function blockArgs(s: ResolvedFile) {
  const text = typeof s.content === 'string' ? s.content : s.content.toString('utf8');
  const lines = text.replace(/\n$/, '').split('\n');
  return blockInFileArgs.parse({
    path: s.dest,
    block: lines.slice(1, -1).join('\n'),
    marker: '{mark}',
    marker_begin: s.block?.begin,
    marker_end: s.block?.end,
    mode: s.mode,
    ...(s.owner ? { owner: s.owner } : {}),
    ...(s.group ? { group: s.group } : {}),
  });
}

/** Puts one file of the host's desired state in place: atomic, validated on the host before it replaces the live one. */
export const configFileOp: Operation<ConfigFileArgs> = {
  name: 'config_file',
  args: configFileArgs,
  facts(a): FactRequest[] {
    const s = spec(a);
    if (s.block) return blockInFileOp.facts(blockArgs(s));
    return [{ fact: 'file', args: { path: s.dest } }];
  },
  diffFacts(a) {
    const s = spec(a);
    return s.sensitive || s.block ? [] : [{ fact: 'file_content', args: { path: s.dest } }];
  },
  plan(a, facts) {
    const s = spec(a);
    if (s.block) return blockInFileOp.plan(blockArgs(s), facts);
    const current = need<FileInfo>('config_file', facts, { fact: 'file', args: { path: s.dest } });
    const before = s.sensitive
      ? undefined
      : maybe<FileContent>(facts, { fact: 'file_content', args: { path: s.dest } });
    return planFileWrite(
      'config_file',
      {
        dest: s.dest,
        content: s.content,
        mode: s.mode,
        owner: s.owner,
        group: s.group,
        validate: s.validate,
        sensitive: s.sensitive,
      },
      current,
      before?.tooLarge ? undefined : (before?.content ?? undefined),
    );
  },
};
