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

/**
 * One `stat` over the existing paths in `"$@"` (each line `STAT_FORMAT|<path>`), then `S|<stat's exit code>`.
 * Read back by `parseStatBlock`. Prints nothing when `"$@"` is empty.
 */
export const STAT_BLOCK = `if [ $# -gt 0 ]; then stat -c '${STAT_FORMAT}|%n' -- "$@"; echo "S|$?"; fi`;

/**
 * Parses the output of `STAT_BLOCK` starting at `ls[start]` for `paths` (the existing paths, in operand
 * order). GNU stat prints exactly one line per operand, in order, and exits 0 only if every operand succeeded;
 * so with `S|0` and as many lines as paths, line k is path k, and each line must also end with `|` + that path.
 * Anything else (a path vanished between the existence test and stat, a short output) is a ParseProblem: lines
 * are never attributed by guesswork. `what(k)` names path k in errors. Returns the infos and the next index.
 */
export function parseStatBlock(
  ls: readonly string[],
  start: number,
  paths: readonly string[],
  what: (k: number) => string,
): { infos: ExistingFile[]; next: number } {
  if (paths.length === 0) return { infos: [], next: start };
  let i = start;
  const statLines: string[] = [];
  while (i < ls.length && !ls[i]!.startsWith('S|')) statLines.push(ls[i++]!);
  const status = ls[i++];
  if (status === undefined) throw new ParseProblem('no stat status line (output cut short?)');
  if (status !== 'S|0') throw new ParseProblem(`stat failed (exit ${status.slice(2, 8)}): a path vanished?`);
  if (statLines.length !== paths.length)
    throw new ParseProblem(`expected ${paths.length} stat lines, got ${statLines.length}`);
  const infos = paths.map((path, k) => {
    const suffix = `|${path}`;
    const line = statLines[k]!;
    if (!line.endsWith(suffix)) throw new ParseProblem(`stat line ${k} is not about ${what(k)}`);
    const info = parseStatLine(line.slice(0, -suffix.length));
    if (!info.exists) throw new ParseProblem('unexpected stat output');
    return info;
  });
  return { infos, next: i };
}
