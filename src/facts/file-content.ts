import { z } from 'zod';
import { shq } from '../ops/shell.js';
import { ParseProblem } from './errors.js';
import { decodeBase64, lines, splitOnce } from './lines.js';
import type { Fact } from './types.js';
import { absPath } from './validators.js';

export const DEFAULT_MAX_CONTENT_BYTES = 4 * 1024 * 1024;

export const fileContentArgs = z.strictObject({
  path: absPath,
  /** Larger files are reported as `tooLarge` with no content. */
  maxBytes: z.number().int().positive().optional(),
});
export type FileContentArgs = z.infer<typeof fileContentArgs>;

export const fileContentSchema = z.object({
  /** A regular file (or a link to one) exists at the path. */
  exists: z.boolean(),
  /** UTF-8 content; null when absent, not a regular file, or too large. */
  content: z.string().nullable(),
  tooLarge: z.boolean(),
});
export type FileContent = z.infer<typeof fileContentSchema>;

/** A regular file's content (transferred as base64) — for --diff and for line/block edits. */
export const fileContentFact: Fact<FileContent, FileContentArgs> = {
  name: 'file_content',
  args: fileContentArgs,
  become: true,
  command({ path, maxBytes }) {
    const max = maxBytes ?? DEFAULT_MAX_CONTENT_BYTES;
    return [
      `p=${shq(path)}`,
      'if [ -f "$p" ]; then s=$(stat -L -c %s -- "$p")',
      `  if [ "$s" -gt ${max} ]; then echo large; else echo 'content|'; base64 -w0 < "$p"; echo; fi`,
      'elif [ -e "$p" ]; then echo notfile; else echo absent; fi',
    ].join('\n');
  },
  parse(stdout) {
    const ls = lines(stdout);
    const head = ls[0];
    if (head === 'absent' || head === 'notfile') return { exists: false, content: null, tooLarge: false };
    if (head === 'large') return { exists: true, content: null, tooLarge: true };
    const [k] = splitOnce(head ?? '', '|');
    if (k !== 'content') throw new ParseProblem('unexpected header');
    return { exists: true, content: decodeBase64('file_content', ls[1] ?? ''), tooLarge: false };
  },
  schema: fileContentSchema,
};
