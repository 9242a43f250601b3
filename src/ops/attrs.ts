import type { ExistingFile } from '../facts/file.js';
import { shq } from '../shell/posix.js';
import { sameAccount } from './common.js';
import type { Step } from './types.js';

export interface WantedAttrs {
  mode?: string | undefined;
  owner?: string | undefined;
  group?: string | undefined;
}

/** chown/chmod steps bringing an existing path to the wanted attributes; empty when it already has them. */
export function attrSteps(path: string, current: ExistingFile, want: WantedAttrs): Step[] {
  const steps: Step[] = [];
  const link = current.type === 'link';
  const ownerOff = want.owner !== undefined && !sameAccount(want.owner, current.owner, current.uid);
  const groupOff = want.group !== undefined && !sameAccount(want.group, current.group, current.gid);
  if (ownerOff || groupOff) {
    const spec = ownerOff ? (groupOff ? `${want.owner}:${want.group}` : want.owner!) : `:${want.group}`;
    steps.push({ kind: 'exec', command: `chown ${link ? '-h ' : ''}${shq(spec)} -- ${shq(path)}` });
  }
  // A symlink's own mode means nothing on Linux: never chmod a link (that would follow it).
  if (!link && want.mode !== undefined && current.mode !== want.mode) {
    steps.push({ kind: 'exec', command: `chmod ${want.mode} -- ${shq(path)}` });
  }
  return steps;
}

/** chown spec for owner/group when either is set, else undefined. */
export function chownSpec(owner?: string, group?: string): string | undefined {
  if (owner && group) return `${owner}:${group}`;
  if (owner) return owner;
  if (group) return `:${group}`;
  return undefined;
}
