import { z } from 'zod';
import { ParseProblem } from './errors.js';
import { lines, splitOnce } from './lines.js';
import type { Fact } from './types.js';

export const selinuxModes = ['enforcing', 'permissive', 'disabled'] as const;
export const selinuxInfoSchema = z.object({
  /** Running state; `absent` when the host has no SELinux at all (no selinuxfs, no tools, no config). */
  state: z.enum([...selinuxModes, 'absent']),
  /** SELINUX= in /etc/selinux/config; null when the file or the line is missing. */
  configured: z.enum(selinuxModes).nullable(),
  configExists: z.boolean(),
});
export type SelinuxInfo = z.infer<typeof selinuxInfoSchema>;

function mode(fact: string, v: string): (typeof selinuxModes)[number] {
  const m = v
    .trim()
    .replace(/^["']|["']$/g, '')
    .toLowerCase();
  if (m === 'enforcing' || m === 'permissive' || m === 'disabled') return m;
  throw new ParseProblem(`unexpected ${fact} value "${m.slice(0, 20)}"`);
}

/** SELinux running state (selinuxfs, else getenforce) and the configured mode from /etc/selinux/config. */
export const selinuxFact: Fact<SelinuxInfo> = {
  name: 'selinux',
  command: () =>
    [
      'echo selinux',
      'if [ -r /sys/fs/selinux/enforce ]; then printf \'enforce|%s\\n\' "$(cat /sys/fs/selinux/enforce)"; fi',
      'if command -v getenforce >/dev/null 2>&1; then printf \'getenforce|%s\\n\' "$(getenforce 2>/dev/null)"; fi',
      "if [ -f /etc/selinux/config ]; then printf 'config|%s\\n' \"$(sed -n 's/^[[:space:]]*SELINUX=//p' /etc/selinux/config | tail -n 1)\"; fi",
    ].join('\n'),
  parse(stdout) {
    const ls = lines(stdout);
    if (ls[0] !== 'selinux') throw new ParseProblem('missing header line');
    let enforce: string | undefined;
    let getenforce: string | undefined;
    let config: string | undefined;
    for (const l of ls.slice(1)) {
      const [k, v] = splitOnce(l, '|');
      if (k === 'enforce') enforce = v.trim();
      else if (k === 'getenforce') getenforce = v;
      else if (k === 'config') config = v;
      else throw new ParseProblem(`unexpected line marker "${k.slice(0, 20)}"`);
    }
    let state: SelinuxInfo['state'];
    if (enforce === '1') state = 'enforcing';
    else if (enforce === '0') state = 'permissive';
    else if (enforce !== undefined)
      throw new ParseProblem(`unexpected enforce value "${enforce.slice(0, 20)}"`);
    else if (getenforce) state = mode('getenforce', getenforce);
    else if (config !== undefined || getenforce !== undefined) state = 'disabled';
    else state = 'absent';
    return {
      state,
      configured: config ? mode('SELINUX=', config) : null,
      configExists: config !== undefined,
    };
  },
  schema: selinuxInfoSchema,
};
