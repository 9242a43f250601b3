import { z } from 'zod';
import type { FileInfo } from '../facts/file.js';
import type { FileContent } from '../facts/file-content.js';
import { absPath } from '../facts/validators.js';
import { maybe, modeSchema, need, ownerSchema } from './common.js';
import type { Operation } from './types.js';
import { planFileWrite } from './write-file.js';

/** Attributes and safety options shared by every operation that writes a whole file. */
export const writeOptions = {
  mode: modeSchema.optional(),
  owner: ownerSchema.optional(),
  group: ownerSchema.optional(),
  backup: z.boolean().default(false),
  validate: z
    .string()
    .includes('%s', { message: 'validate must contain %s (the temp file path)' })
    .optional(),
  sensitive: z.boolean().default(false),
};

export const copyArgs = z.strictObject({
  dest: absPath,
  /** The file's full content (the engine renders templates and reads `src` files into it). */
  content: z.string(),
  ...writeOptions,
});
export type CopyArgs = z.infer<typeof copyArgs>;

function makeCopy(name: string): Operation<CopyArgs> {
  return {
    name,
    args: copyArgs,
    facts: (a) => [{ fact: 'file', args: { path: a.dest } }],
    // The old content is only needed to show a diff — and never fetched for secret files.
    diffFacts: (a) => (a.sensitive ? [] : [{ fact: 'file_content', args: { path: a.dest } }]),
    plan(a, facts) {
      const current = need<FileInfo>(name, facts, { fact: 'file', args: { path: a.dest } });
      const before = a.sensitive
        ? undefined
        : maybe<FileContent>(facts, { fact: 'file_content', args: { path: a.dest } });
      return planFileWrite(name, a, current, before?.tooLarge ? undefined : (before?.content ?? undefined));
    },
  };
}

/** Writes a file with the given content (atomic, validate, backup, bind-mount fallback). */
export const copyOp = makeCopy('copy');
/** Same as copy; the engine renders the template into `content` first. */
export const templateOp = makeCopy('template');
