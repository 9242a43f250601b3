import { z } from 'zod';
import type { UnitsInfo } from '../facts/units.js';
import { unitName } from '../facts/validators.js';
import { shq } from '../shell/posix.js';
import { need } from './common.js';
import { PlanError } from './errors.js';
import type { Operation, Step } from './types.js';

export const serviceArgs = z
  .strictObject({
    name: unitName,
    state: z.enum(['started', 'stopped', 'restarted', 'reloaded']).optional(),
    enabled: z.boolean().optional(),
    masked: z.boolean().optional(),
    /** Run `systemctl daemon-reload` first when systemd reports changed unit files (or anything else runs). */
    daemon_reload: z.boolean().default(false),
  })
  .refine(
    (a) =>
      !(a.masked === true && (a.state === 'started' || a.state === 'restarted' || a.state === 'reloaded')),
    {
      message: 'a masked unit cannot be started',
    },
  )
  .refine((a) => !(a.masked === true && a.enabled === true), { message: 'a masked unit cannot be enabled' });
export type ServiceArgs = z.infer<typeof serviceArgs>;

const OP = 'service';
const RUNNING = new Set(['active', 'activating', 'reloading']);

/**
 * systemd units: started/stopped/restarted/reloaded, enabled, masked, daemon-reload. restarted and reloaded
 * always act (changed by nature); everything else acts only when the unit differs.
 */
export const serviceOp: Operation<ServiceArgs> = {
  name: OP,
  args: serviceArgs,
  facts: (a) => [{ fact: 'units', args: { names: [a.name] } }],
  plan(a, facts) {
    const info = need<UnitsInfo>(OP, facts, { fact: 'units', args: { names: [a.name] } });
    if (!info.systemd) throw new PlanError(OP, 'only systemd hosts are supported (systemd is not running)');
    const u = info.units[a.name];
    if (!u) throw new PlanError(OP, `no state for unit ${a.name}`);
    const name = shq(a.name);
    const steps: Step[] = [];
    const what: string[] = [];
    const act = (verb: string) => {
      steps.push({ kind: 'exec', command: `systemctl ${verb} ${name}` });
      what.push(verb);
    };
    if (a.masked === false && u.masked) act('unmask');
    if (a.enabled === true && (!u.enabled || u.masked)) act('enable');
    else if (a.enabled === false && (u.unitFileState === 'enabled' || u.unitFileState === 'enabled-runtime'))
      act('disable');
    const running = RUNNING.has(u.active);
    if (a.state === 'started' && !running) act('start');
    else if (a.state === 'stopped' && running) act('stop');
    else if (a.state === 'restarted') act('restart');
    // Reloading a stopped unit means starting it (as Ansible does).
    else if (a.state === 'reloaded') act(running ? 'reload' : 'start');
    if (a.masked === true && !u.masked) {
      // systemctl mask links /etc/systemd/system/<unit> to /dev/null: impossible over a real file there.
      if (u.fragmentPath.startsWith('/etc/systemd/system/'))
        throw new PlanError(
          OP,
          `cannot mask ${a.name}: its unit file is ${u.fragmentPath} (remove it instead)`,
        );
      act('mask');
    }
    if (a.daemon_reload && (u.needDaemonReload || steps.length > 0)) {
      steps.unshift({ kind: 'exec', command: 'systemctl daemon-reload' });
      what.unshift('daemon-reload');
    }
    return steps.length ? { steps, summary: `${what.join(', ')} ${a.name}` } : { steps };
  },
};
