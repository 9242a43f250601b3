import { createHash } from 'node:crypto';
import type { FileInfo } from '../facts/file.js';
import { basename, dirname, shq } from '../shell/posix.js';
import { attrSteps, chownSpec } from './attrs.js';
import { PlanError } from './errors.js';
import type { FileDiff, Plan, Step } from './types.js';

export interface WriteSpec {
  dest: string;
  /** Text, or bytes for a binary file (e.g. the corosync authkey; such a file should be sensitive). */
  content: string | Buffer;
  /** Four octal digits; default: the existing file's mode, else 0644. */
  mode?: string | undefined;
  /** Default: the existing file's owner/group (kept), else whoever writes it. */
  owner?: string | undefined;
  group?: string | undefined;
  /** Copy the old file to `dest.YYYYmmddHHMMSS~` before replacing it. */
  backup?: boolean | undefined;
  /** Command run on the temp file before it replaces dest; `%s` is replaced by the temp path. */
  validate?: string | undefined;
  /** Secret content: diffs are masked and the content never appears in plans. */
  sensitive?: boolean | undefined;
}

export function sha256(content: string | Buffer): string {
  return typeof content === 'string'
    ? createHash('sha256').update(content, 'utf8').digest('hex')
    : createHash('sha256').update(content).digest('hex');
}

/** Temp path next to dest (same directory, so the final `mv` is an atomic rename on the same filesystem). */
export function tempPathFor(dest: string, content: string | Buffer): string {
  const dir = dirname(dest);
  return `${dir === '/' ? '' : dir}/.${basename(dest)}.hakit-${sha256(content).slice(0, 12)}.tmp`;
}

/**
 * Moves `$t` over `$d`; when the rename fails because dest is a mount point (a bind-mounted file such as
 * /etc/hosts in a container: EBUSY) or sits on another device, writes in place (`cat t > d`) instead.
 * Any other failure removes the temp file and fails with mv's message.
 */
export function installScript(opts: {
  tmp: string;
  dest: string;
  mode: string;
  chown?: string | undefined;
  backup?: boolean | undefined;
}): string {
  const chown = opts.chown ? shq(opts.chown) : undefined;
  const s = [
    `t=${shq(opts.tmp)}; d=${shq(opts.dest)}`,
    // The put step created "$t" with its mode. chown clears setuid/setgid bits, so the mode is set again after it.
    ...(chown
      ? [
          `chown ${chown} -- "$t" || { rm -f -- "$t"; exit 1; }`,
          `chmod ${opts.mode} -- "$t" || { rm -f -- "$t"; exit 1; }`,
        ]
      : []),
    ...(opts.backup
      ? ['if [ -f "$d" ]; then cp -p -- "$d" "$d.$(date +%Y%m%d%H%M%S)~" || { rm -f -- "$t"; exit 1; }; fi']
      : []),
    // -T: never move INTO dest should it have become a directory. (No `$(...)` capture: it costs a fork.)
    'if mv -f -T -- "$t" "$d" 2>/dev/null; then exit 0; fi',
    // Bind mount? (mountpoint(1) knows file mounts; mountinfo and a device mismatch cover older util-linux.)
    'if [ -f "$d" ] && { mountpoint -q -- "$d" 2>/dev/null || awk -v d="$d" \'$5 == d {f=1} END {exit !f}\' /proc/self/mountinfo || [ "$(stat -c %d -- "$d")" != "$(stat -c %d -- "$t")" ]; }; then',
    `  cat -- "$t" > "$d" && chmod ${opts.mode} -- "$d"${chown ? ` && chown ${chown} -- "$d"` : ''} && rm -f -- "$t" && exit 0`,
    'fi',
    // Not a bind mount: try once more so mv's own message reaches stderr.
    'if mv -f -T -- "$t" "$d"; then exit 0; fi',
    'rm -f -- "$t"; exit 1',
  ];
  return s.join('\n');
}

/**
 * Plans writing `content` to `dest` atomically: put a temp file in the same directory, chmod/chown it,
 * validate it, optionally back up the old file, then rename it into place (in-place fallback for bind mounts).
 * Unchanged content only fixes attributes; a host already as asked gets an empty plan.
 *
 * `before`: the current content when known (file_content fact), undefined when unknown — then no diff is
 * produced for an existing file (the engine gathers it with --diff).
 */
export function planFileWrite(op: string, spec: WriteSpec, current: FileInfo, before?: string | null): Plan {
  if (current.exists && current.type === 'directory')
    throw new PlanError(op, `${spec.dest} is a directory, cannot write a file there`);
  const sum = sha256(spec.content);
  const existingFile = current.exists && current.type === 'file' ? current : undefined;
  const owner = spec.owner ?? existingFile?.owner;
  const group = spec.group ?? existingFile?.group;
  if (existingFile && existingFile.sha256 === sum) {
    const steps = attrSteps(spec.dest, existingFile, {
      mode: spec.mode,
      owner: spec.owner,
      group: spec.group,
    });
    return steps.length === 0 ? { steps } : { steps, summary: `set attributes of ${spec.dest}` };
  }
  const mode = spec.mode ?? existingFile?.mode ?? '0644';
  const tmp = tempPathFor(spec.dest, spec.content);
  const bytes =
    typeof spec.content === 'string' ? Buffer.byteLength(spec.content, 'utf8') : spec.content.length;
  const steps: Step[] = [
    {
      kind: 'put',
      path: tmp,
      content: spec.content,
      mode: Number.parseInt(mode, 8),
      display: `put ${tmp} (${bytes} bytes${spec.sensitive ? ', sensitive' : ''})`,
    },
  ];
  if (spec.validate) {
    const cmd = spec.validate.split('%s').join(shq(tmp));
    steps.push({
      kind: 'exec',
      command: `if ${cmd}; then :; else rc=$?; rm -f -- ${shq(tmp)}; exit $rc; fi`,
      purpose: 'validate',
    });
  }
  steps.push({
    kind: 'exec',
    command: installScript({
      tmp,
      dest: spec.dest,
      mode,
      chown: chownSpec(owner, group),
      backup: spec.backup,
    }),
    display: `install ${tmp} as ${spec.dest} (mode ${mode}${owner || group ? `, ${chownSpec(owner, group)}` : ''}${spec.backup ? ', backup' : ''})`,
  });
  const plan: Plan = {
    steps,
    summary: `write ${spec.dest} (mode ${mode}${owner || group ? `, ${chownSpec(owner, group)}` : ''})`,
  };
  const diff = fileDiff(spec, current, before);
  if (diff) plan.diffs = [diff];
  return plan;
}

function fileDiff(
  spec: WriteSpec,
  current: FileInfo,
  before: string | null | undefined,
): FileDiff | undefined {
  // Binary content is never shown: a binary file's diff is withheld like a secret one's.
  const binary = typeof spec.content !== 'string';
  const after = typeof spec.content === 'string' ? spec.content : '';
  const base = { path: spec.dest, after, ...(spec.sensitive || binary ? { sensitive: true } : {}) };
  if (!current.exists) return { ...base, before: null };
  if (before === undefined || before === null)
    return spec.sensitive || binary ? { ...base, before: null } : undefined;
  return { ...base, before };
}
