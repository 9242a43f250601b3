import { z } from 'zod';
import { shq } from '../shell/posix.js';
import { ParseProblem } from './errors.js';
import { fileMany } from './file-many.js';
import { type FileInfo, fileInfoSchema, parseStatLine, statSnippet } from './file-stat.js';
import { lines, splitOnce } from './lines.js';
import type { Fact } from './types.js';
import { absPath } from './validators.js';

export const fileArgs = z.strictObject({ path: absPath });
export type FileArgs = z.infer<typeof fileArgs>;

export {
  type ExistingFile,
  type FileInfo,
  fileInfoSchema,
  fileTypes,
  parseStatLine,
  STAT_FORMAT,
  statSnippet,
} from './file-stat.js';

/**
 * One path's type, mode, owner, group, size and (for regular files) sha256: one `stat` plus `sha256sum`.
 * Several paths in one batch go through `fileMany` instead (one `stat`, one `sha256sum` for all of them).
 */
export const fileFact: Fact<FileInfo, FileArgs> = {
  name: 'file',
  args: fileArgs,
  become: true,
  command({ path }) {
    return [
      `p=${shq(path)}`,
      statSnippet('"$p"'),
      `if [ -L "$p" ]; then printf 'target|%s\\n' "$(readlink -- "$p")"`,
      `elif [ -f "$p" ]; then printf 'sha256|%s\\n' "$(sha256sum < "$p" 2>/dev/null | cut -d' ' -f1)"; fi`,
    ].join('\n');
  },
  parse(stdout) {
    const ls = lines(stdout);
    const info = parseStatLine(ls[0]);
    if (!info.exists) return info;
    for (const l of ls.slice(1)) {
      const [k, v] = splitOnce(l, '|');
      if (k === 'sha256') info.sha256 = v === '' ? null : v;
      else if (k === 'target') info.target = v;
      else throw new ParseProblem(`unexpected line marker "${k.slice(0, 20)}"`);
    }
    return info;
  },
  many: fileMany,
  schema: fileInfoSchema,
};
