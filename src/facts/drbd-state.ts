import { z } from 'zod';
import { shq } from '../shell/posix.js';
import { ParseProblem } from './errors.js';
import { decodeBase64, lines, splitOnce } from './lines.js';
import type { Fact } from './types.js';
import { absPath } from './validators.js';

/**
 * `drbd_state`: what one DRBD resource looks like on one member, in one round trip: the backing disk, the
 * kernel's view (`drbdsetup status RES --json`), the on-disk metadata (`drbdmeta … dstate` and the header of
 * `drbdmeta … dump-md` (up to the first `bitmap[N] {` line), read only while the resource is not up: drbdmeta refuses an attached device), what else
 * sits on a disk without metadata (`blkid -p`), and other resources of the host's DRBD configuration that use
 * the same disk. Raw state only; src/components/drbd interprets it (member-state.ts, init-plan.ts).
 */

export const drbdStateArgs = z.strictObject({
  resource: z.string().regex(/^[A-Za-z0-9_-]+$/),
  minor: z.number().int().min(0).max(1048575),
  /** The backing disk on this member. */
  disk: absPath,
  /** `internal`, or the (flexible) external metadata device. */
  meta_disk: z.union([z.literal('internal'), absPath]),
});
export type DrbdStateArgs = z.infer<typeof drbdStateArgs>;

export const drbdPeerSchema = z.object({
  name: z.string(),
  /** Connected, Connecting, StandAlone, … */
  connection: z.string(),
  /** Primary, Secondary, Unknown. */
  role: z.string().nullable(),
  /** The peer's disk as this node sees it: UpToDate, Inconsistent, DUnknown, … (null: no volume reported). */
  diskState: z.string().nullable(),
});

export const drbdStateSchema = z.object({
  /** The backing disk: a block device, something else, or nothing at that path. */
  disk: z.enum(['block', 'not-block', 'missing']),
  /** The resource in the kernel (`drbdsetup status RES --json`). */
  kernel: z.discriminatedUnion('kind', [
    z.object({
      kind: z.literal('up'),
      role: z.string(),
      /** The local disk: UpToDate, Inconsistent, Diskless, … (null: no volume reported). */
      diskState: z.string().nullable(),
      peers: z.array(drbdPeerSchema),
    }),
    /** Not up: drbdsetup's exit code and message (10: no such resource; 20: e.g. no kernel module). */
    z.object({ kind: z.literal('down'), exitCode: z.number().int(), message: z.string() }),
    /** drbdsetup is not installed. */
    z.object({ kind: z.literal('no-tools') }),
  ]),
  /** The metadata; null when not read (the resource is up, the device is not a block device, no drbdmeta). */
  metadata: z
    .discriminatedUnion('kind', [
      /** drbdmeta: "No valid meta data found". */
      z.object({ kind: z.literal('none') }),
      /** Valid metadata: the disk state it records, and the dump-md header (up to `bitmap[0] {`). */
      z.object({
        kind: z.literal('present'),
        diskState: z.string().nullable(),
        unclean: z.boolean(),
        header: z.string(),
      }),
      /** Anything else drbdmeta said (never read as "no metadata"). */
      z.object({ kind: z.literal('unreadable'), exitCode: z.number().int(), message: z.string() }),
    ])
    .nullable(),
  /**
   * `blkid -p -o export` of the disk, read only when it holds no DRBD metadata: TYPE=… of what is there ({}:
   * nothing; ERROR: blkid failed otherwise). null: not read (metadata found, or no blkid).
   */
  signature: z.record(z.string(), z.string()).nullable(),
  /** Other resources of the host's DRBD configuration whose backing disk on this host is this disk. */
  otherResources: z.array(z.string()),
});
export type DrbdState = z.infer<typeof drbdStateSchema>;
export type DrbdPeer = z.infer<typeof drbdPeerSchema>;

/** Largest drbdmeta output kept (the header is a few KB; the bitmap after it is never read: sed quits). */
const MAX_META_BYTES = 65536;

/**
 * Prints:
 *
 *     B|block, B|not-block or B|missing           the backing disk
 *     S|<exit>|<base64 of drbdsetup status RES --json, stdout+stderr>    or S|no-tools
 *     D|<exit>|<base64 of drbdmeta … dstate>      only when not up and the metadata device is a block device
 *     H|<base64 of dump-md up to `bitmap[0] {`>   only when dstate found metadata (exit 0)
 *     T|<exit>|<base64 of blkid -p -o export DISK>   only when dstate found no metadata
 *     O|<resource>                                another configured resource on the same disk (0..n lines)
 *
 * Leaves `r`, `k`, `n`, `m`, `i`, `s`, `o`, `e`, `x`, `y`, `kr` set.
 */
function command(a: DrbdStateArgs): string {
  const internal = a.meta_disk === 'internal';
  return [
    `r=${shq(a.resource)}; k=${shq(a.disk)}; n=${a.minor}; m=${shq(internal ? a.disk : a.meta_disk)}; i=${internal ? 'internal' : 'flex-external'}`,
    `if [ -b "$k" ]; then echo 'B|block'; elif [ -e "$k" ]; then echo 'B|not-block'; else echo 'B|missing'; fi`,
    'if command -v drbdsetup >/dev/null 2>&1; then',
    '  o=$(drbdsetup status "$r" --json 2>&1 </dev/null); s=$?',
    `  printf 'S|%s|' "$s"; printf '%s' "$o" | base64 -w0; echo`,
    `else s=none; echo 'S|no-tools'; fi`,
    'if [ "$s" != 0 ] && [ -b "$m" ] && command -v drbdmeta >/dev/null 2>&1; then',
    '  o=$(drbdmeta "$n" v09 "$m" "$i" dstate 2>&1 </dev/null); e=$?',
    `  printf 'D|%s|' "$e"; printf '%s' "$o" | base64 -w0; echo`,
    '  if [ "$e" = 0 ]; then',
    `    printf 'H|'; drbdmeta "$n" v09 "$m" "$i" dump-md 2>/dev/null </dev/null | sed '/^bitmap\\[/q' | head -c ${MAX_META_BYTES} | base64 -w0; echo`,
    `  elif [ -b "$k" ] && command -v blkid >/dev/null 2>&1; then`,
    `    o=$(blkid -p -o export "$k" 2>&1); printf 'T|%s|' "$?"; printf '%s' "$o" | base64 -w0; echo`,
    '  fi',
    'fi',
    'if [ -e "$k" ] && command -v drbdadm >/dev/null 2>&1; then',
    '  kr=$(readlink -f "$k")',
    '  for x in $(drbdadm sh-resources 2>/dev/null </dev/null); do',
    '    if [ "$x" = "$r" ]; then continue; fi',
    '    for y in $(drbdadm sh-ll-dev "$x" 2>/dev/null </dev/null); do',
    `      if [ "$(readlink -f "$y")" = "$kr" ]; then printf 'O|%s\\n' "$x"; fi`,
    '    done',
    '  done',
    'fi',
  ].join('\n');
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/**
 * `drbdsetup status RES --json` (drbd-utils 9): an array of resources, each with `role`, `devices[]`
 * (`disk-state`) and `connections[]` (`name`, `connection-state`, `peer-role`, `peer_devices[]` with
 * `peer-disk-state` — the underscore is drbd-utils' own spelling).
 */
export function parseDrbdStatusJson(resource: string, text: string): DrbdState['kernel'] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ParseProblem('drbdsetup status --json did not print JSON');
  }
  const res = arr(json)
    .map(obj)
    .find((r) => r.name === resource);
  if (!res) throw new ParseProblem('drbdsetup status --json does not list the resource');
  const role = str(res.role);
  if (role === null) throw new ParseProblem('drbdsetup status --json: no role');
  return {
    kind: 'up',
    role,
    diskState: str(obj(arr(res.devices)[0])['disk-state']),
    peers: arr(res.connections)
      .map(obj)
      .map((c) => ({
        name: str(c.name) ?? `node-id ${String(c['peer-node-id'])}`,
        connection: str(c['connection-state']) ?? 'Unknown',
        role: str(c['peer-role']),
        diskState: str(obj(arr(c.peer_devices)[0])['peer-disk-state']),
      })),
  };
}

function codeAndText(v: string, what: string): [number, string] {
  const [code, b64] = splitOnce(v, '|');
  if (!/^\d+$/.test(code)) throw new ParseProblem(`malformed ${what} line`);
  return [Number(code), decodeBase64('drbd_state', b64)];
}

/** Removes the noise drbd-utils prints on hosts without modinfo/modprobe or block-size ioctls. */
function clean(text: string): string {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '' && !/^sh: \d+: \S*modinfo: not found$|BLKSSZGET/.test(l))
    .join('\n')
    .trim();
}

function parseMetadata(d: string | undefined, h: string | undefined): DrbdState['metadata'] {
  if (d === undefined) return null;
  const [code, raw] = codeAndText(d, 'dstate');
  const text = clean(raw);
  if (code === 0) {
    if (h === undefined) throw new ParseProblem('metadata found but no dump-md header line');
    const first = text.split('\n')[0]?.trim() ?? '';
    return {
      kind: 'present',
      diskState: /^[A-Za-z]+(\/[A-Za-z]+)?$/.test(first) ? (first.split('/')[0] ?? null) : null,
      unclean: false,
      header: decodeBase64('drbd_state', h),
    };
  }
  // drbdmeta exits non-zero (1 with drbd-utils 9.22) and says so when the device holds no DRBD metadata.
  if (/^No valid meta data found$/m.test(text)) return { kind: 'none' };
  // Metadata whose activity log was not applied (a crash): still metadata, never overwritten.
  if (/meta data is "unclean"/i.test(text))
    return {
      kind: 'present',
      diskState: null,
      unclean: true,
      header: h ? decodeBase64('drbd_state', h) : '',
    };
  return { kind: 'unreadable', exitCode: code, message: text.slice(0, 500) };
}

function parseSignature(t: string | undefined): Record<string, string> | null {
  if (t === undefined) return null;
  const [code, text] = codeAndText(t, 'blkid');
  const out: Record<string, string> = {};
  // blkid exits 2 when it finds no signature; anything else but 0 (8: ambivalent, several signatures) is kept
  // as an error, never read as "nothing there".
  if (code === 2) return out;
  if (code !== 0)
    return { ERROR: `blkid exit ${code}${clean(text) ? `: ${clean(text).slice(0, 200)}` : ''}` };
  for (const l of lines(text)) {
    const [k, v] = splitOnce(l, '=');
    if (/^[A-Z_]+$/.test(k)) out[k] = v;
  }
  return out;
}

function parse(stdout: string, _code: number, args: DrbdStateArgs): DrbdState {
  const byKey = new Map<string, string>();
  const others: string[] = [];
  for (const l of lines(stdout)) {
    const [k, v] = splitOnce(l, '|');
    if (!['B', 'S', 'D', 'H', 'T', 'O'].includes(k) || !l.includes('|'))
      throw new ParseProblem('unexpected line (expected B|, S|, D|, H|, T| or O|)');
    if (k === 'O') {
      others.push(v);
      continue;
    }
    if (byKey.has(k)) throw new ParseProblem(`${k}| given twice`);
    byKey.set(k, v);
  }
  const disk = byKey.get('B');
  if (disk !== 'block' && disk !== 'not-block' && disk !== 'missing')
    throw new ParseProblem('missing disk line (output cut short?)');
  const s = byKey.get('S');
  if (s === undefined) throw new ParseProblem('missing status line (output cut short?)');
  let kernel: DrbdState['kernel'];
  if (s === 'no-tools') kernel = { kind: 'no-tools' };
  else {
    const [code, text] = codeAndText(s, 'status');
    kernel =
      code === 0
        ? parseDrbdStatusJson(args.resource, text)
        : { kind: 'down', exitCode: code, message: clean(text).slice(0, 500) };
  }
  return {
    disk,
    kernel,
    metadata: parseMetadata(byKey.get('D'), byKey.get('H')),
    signature: parseSignature(byKey.get('T')),
    otherResources: others,
  };
}

export const drbdStateFact: Fact<DrbdState, DrbdStateArgs> = {
  name: 'drbd_state',
  args: drbdStateArgs,
  become: true,
  live: true,
  command,
  parse: (stdout, code, args) => parse(stdout, code, args),
  schema: drbdStateSchema,
};
