import { cibView } from '../../render/cib.js';
import { isClusterMember } from '../corosync/index.js';
import type { Component } from '../types.js';

/** The desired CIB configuration (applied as a minimal patch by the `pacemaker_cib` operation). */
export const pacemaker: Component = {
  name: 'pacemaker',
  files(ctx) {
    if (!isClusterMember(ctx)) return [];
    return [
      {
        id: 'cib',
        kind: 'cib',
        template: 'cib.xml.hbs',
        path: ctx.layout.cib,
        view: cibView(ctx.inv),
        mode: 0o600,
        owner: 'root',
        group: 'root',
      },
    ];
  },
  packages(ctx) {
    if (!isClusterMember(ctx)) return [];
    // crm_mon, cibadmin, crm_attribute are in pacemaker-cli-utils (only a Recommends of pacemaker on Debian).
    const fence = ctx.layout.family === 'apt' ? 'fence-agents' : 'fence-agents-all';
    return [
      'pacemaker',
      ...(ctx.layout.family === 'apt' ? ['pacemaker-cli-utils'] : []),
      'resource-agents',
      fence,
    ];
  },
};
