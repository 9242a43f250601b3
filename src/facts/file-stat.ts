import { z } from 'zod';
import { ParseProblem } from './errors.js';

/**
 * What the `file` fact reports, and the `stat` format and line parser every file-ish fact shares
 * (file, its batched form in file-many.ts, authorized_keys). Separate from file.ts so file-many.ts can use it
 * without an import cycle.
 */

export const fileTypes = ['file', 'directory', 'link', 'other'] as const;

export const fileInfoSchema = z.discriminatedUnion('exists', [
  z.object({ exists: z.literal(false) }),
  z.object({
    exists: z.literal(true),
    type: z.enum(fileTypes),
    /** Four octal digits, e.g. "0644", "4755". */
    mode: z.string().regex(/^[0-7]{4}$/),
    owner: z.string(),
    group: z.string(),
    uid: z.number().int(),
    gid: z.number().int(),
    size: z.number().int(),
    /** Hex sha256 of a regular file's content; null for other types or when unreadable. */
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .nullable(),
    /** A symlink's target (not followed); null otherwise. */
    target: z.string().nullable(),
  }),
]);
export type FileInfo = z.infer<typeof fileInfoSchema>;
export type ExistingFile = Extract<FileInfo, { exists: true }>;

/** The `stat` format every file-ish fact uses; parsed by `parseStatLine`. */
export const STAT_FORMAT = 'stat|%F|%a|%U|%G|%u|%g|%s';

/** Shell printing `stat|…` for an existing path (not following links), else `absent`. `$1`-free: uses `p`. */
export function statSnippet(pathExpr: string): string {
  return `if [ -e ${pathExpr} ] || [ -L ${pathExpr} ]; then stat -c '${STAT_FORMAT}' -- ${pathExpr}; else echo absent; fi`;
}

function typeOf(f: string): ExistingFile['type'] {
  if (f === 'regular file' || f === 'regular empty file') return 'file';
  if (f === 'directory') return 'directory';
  if (f === 'symbolic link') return 'link';
  return 'other';
}

/** Parses one `STAT_FORMAT` line (or `absent`) into a FileInfo without sha256/target. */
export function parseStatLine(line: string | undefined): FileInfo {
  if (line === 'absent') return { exists: false };
  const cols = (line ?? '').split('|');
  if (cols.length !== 8 || cols[0] !== 'stat') throw new ParseProblem('unexpected stat output');
  const [, ftype, mode, owner, group, uid, gid, size] = cols as [string, ...string[]];
  if (!/^[0-7]{1,4}$/.test(mode!)) throw new ParseProblem(`unexpected mode "${mode}"`);
  if (!/^\d+$/.test(uid!) || !/^\d+$/.test(gid!) || !/^\d+$/.test(size!))
    throw new ParseProblem('unexpected numeric field in stat output');
  return {
    exists: true,
    type: typeOf(ftype!),
    mode: mode!.padStart(4, '0'),
    owner: owner!,
    group: group!,
    uid: Number(uid),
    gid: Number(gid),
    size: Number(size),
    sha256: null,
    target: null,
  };
}
