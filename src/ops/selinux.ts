import { z } from 'zod';
import type { SelinuxInfo } from '../facts/selinux.js';
import { selinuxModes } from '../facts/selinux.js';
import { need } from './common.js';
import type { Operation, Step } from './types.js';

export const selinuxArgs = z.strictObject({ state: z.enum(selinuxModes) });
export type SelinuxArgs = z.infer<typeof selinuxArgs>;

const CONFIG = '/etc/selinux/config';

/**
 * SELinux mode: `setenforce` for the running state (enforcing ⇄ permissive; `disabled` can only become
 * permissive until a reboot) and the SELINUX= line of /etc/selinux/config. No-op on hosts without SELinux.
 */
export const selinuxOp: Operation<SelinuxArgs> = {
  name: 'selinux',
  args: selinuxArgs,
  facts: () => [{ fact: 'selinux' }],
  plan(a, facts) {
    const s = need<SelinuxInfo>('selinux', facts, { fact: 'selinux' });
    if (s.state === 'absent') return { steps: [] };
    const steps: Step[] = [];
    const what: string[] = [];
    const running = s.state;
    if (running !== 'disabled') {
      const target = a.state === 'enforcing' ? 'enforcing' : 'permissive';
      if (running !== target) {
        steps.push({ kind: 'exec', command: `setenforce ${target === 'enforcing' ? 1 : 0}` });
        what.push(`setenforce ${target}`);
      }
    }
    if (s.configured !== a.state) {
      steps.push({
        kind: 'exec',
        command: s.configExists
          ? `if grep -q '^[[:space:]]*SELINUX=' ${CONFIG}; then sed -i 's/^[[:space:]]*SELINUX=.*/SELINUX=${a.state}/' ${CONFIG}; else echo 'SELINUX=${a.state}' >> ${CONFIG}; fi`
          : `mkdir -p /etc/selinux && echo 'SELINUX=${a.state}' >> ${CONFIG}`,
      });
      what.push(`SELINUX=${a.state} in ${CONFIG}`);
    }
    const reboot =
      (running === 'disabled' && a.state !== 'disabled') ||
      (running !== 'disabled' && a.state === 'disabled');
    return steps.length
      ? {
          steps,
          summary: `${what.join(', ')}${reboot && s.configured !== a.state ? ' (takes full effect after a reboot)' : ''}`,
        }
      : { steps };
  },
};
