import { isClusterMember } from '../corosync/index.js';
import type { Component } from '../types.js';
import { cibView } from './view.js';

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
    // The tools hakit runs (cibadmin, crm_verify, crm_diff, crm_mon, crm_resource) are in pacemaker-cli-utils on
    // Debian (only a Recommends of pacemaker) and in pacemaker-cli on RHEL-like hosts (a Requires of pacemaker
    // there, named so a rerun checks it too). fence-agents-all is the EL/Fedora metapackage of every agent;
    // Debian ships them in one fence-agents package. On EL these come from the HA repository (ha_repository).
    const apt = ctx.layout.family === 'apt';
    return [
      'pacemaker',
      apt ? 'pacemaker-cli-utils' : 'pacemaker-cli',
      'resource-agents',
      apt ? 'fence-agents' : 'fence-agents-all',
    ];
  },
};
