import { z } from 'zod';
import type { FileInfo } from '../facts/file.js';
import type { FileContent } from '../facts/file-content.js';
import { absPath } from '../facts/validators.js';
import { need } from './common.js';
import { writeOptions } from './copy.js';
import { PlanError } from './errors.js';
import { applyBlockInFile, applyLineInFile } from './text-edit.js';
import type { FactValues, Operation, Plan } from './types.js';
import { planFileWrite, type WriteSpec } from './write-file.js';

const regex = z.string().refine((r) => {
  try {
    new RegExp(r);
    return true;
  } catch {
    return false;
  }
}, 'not a valid regular expression');
const oneLine = z.string().regex(/^[^\n\r]*$/, 'must be a single line');

const editOptions = {
  path: absPath,
  state: z.enum(['present', 'absent']).default('present'),
  insertafter: regex.optional(),
  insertbefore: regex.optional(),
  /** Create the file when it is missing (state: present). */
  create: z.boolean().default(false),
  ...writeOptions,
};

export const lineInFileArgs = z
  .strictObject({
    line: oneLine.optional(),
    regexp: regex.optional(),
    firstmatch: z.boolean().default(false),
    ...editOptions,
  })
  .refine((a) => a.state === 'absent' || a.line !== undefined, {
    message: 'line is required with state: present',
  })
  .refine((a) => a.line !== undefined || a.regexp !== undefined, { message: 'give line or regexp' })
  .refine((a) => !(a.insertafter && a.insertbefore), {
    message: 'insertafter and insertbefore exclude each other',
  });
export type LineInFileArgs = z.infer<typeof lineInFileArgs>;

export const DEFAULT_MARKER = '# {mark} HAKIT MANAGED BLOCK';

export const blockInFileArgs = z
  .strictObject({
    block: z.string().default(''),
    /** `{mark}` is replaced by marker_begin / marker_end. */
    marker: oneLine.includes('{mark}').default(DEFAULT_MARKER),
    marker_begin: oneLine.default('BEGIN'),
    marker_end: oneLine.default('END'),
    ...editOptions,
  })
  .refine((a) => !(a.insertafter && a.insertbefore), {
    message: 'insertafter and insertbefore exclude each other',
  });
export type BlockInFileArgs = z.infer<typeof blockInFileArgs>;

type EditArgs = z.infer<z.ZodObject<typeof editOptions>>;

function planEdit(op: string, a: EditArgs, facts: FactValues, edit: (content: string) => string): Plan {
  const cur = need<FileInfo>(op, facts, { fact: 'file', args: { path: a.path } });
  const fc = need<FileContent>(op, facts, { fact: 'file_content', args: { path: a.path } });
  if (fc.tooLarge) throw new PlanError(op, `${a.path} is too large to edit`);
  if (cur.exists && cur.type !== 'file') throw new PlanError(op, `${a.path} is a ${cur.type}, not a file`);
  if (!cur.exists || fc.content === null) {
    if (a.state === 'absent') return { steps: [] };
    if (!a.create) throw new PlanError(op, `${a.path} does not exist (set create: true to create it)`);
  }
  const before = fc.content ?? '';
  const after = edit(before);
  const spec: WriteSpec = {
    dest: a.path,
    content: after,
    mode: a.mode,
    owner: a.owner,
    group: a.group,
    backup: a.backup,
    validate: a.validate,
    sensitive: a.sensitive,
  };
  return planFileWrite(op, spec, cur, cur.exists ? fc.content : null);
}

const editFacts = (a: { path: string }) => [
  { fact: 'file', args: { path: a.path } },
  { fact: 'file_content', args: { path: a.path } },
];

/** Ensures a line is present (replacing the last regexp match) or absent, then writes like copy. */
export const lineInFileOp: Operation<LineInFileArgs> = {
  name: 'lineinfile',
  args: lineInFileArgs,
  facts: editFacts,
  plan: (a, facts) => planEdit('lineinfile', a, facts, (c) => applyLineInFile(c, a)),
};

/** Ensures a marked block (`# BEGIN HAKIT MANAGED BLOCK` … `# END …`) is present with this body, or absent. */
export const blockInFileOp: Operation<BlockInFileArgs> = {
  name: 'blockinfile',
  args: blockInFileArgs,
  facts: editFacts,
  plan(a, facts) {
    const begin = a.marker.replaceAll('{mark}', a.marker_begin);
    const end = a.marker.replaceAll('{mark}', a.marker_end);
    return planEdit('blockinfile', a, facts, (c) =>
      applyBlockInFile(c, {
        block: a.block,
        begin,
        end,
        state: a.state,
        insertafter: a.insertafter,
        insertbefore: a.insertbefore,
      }),
    );
  },
};
