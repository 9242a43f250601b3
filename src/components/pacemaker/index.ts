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
  // Daemons the cluster manages (Pacemaker's resources, e.g. the HAProxy clone) may use the cluster's files and
  // sockets under SELinux only with `daemons_enable_cluster_mode` (its rules: `allow daemon cluster_conf_t`,
  // `cluster_var_lib_t`, `cluster_var_run_t`, … `[ daemons_enable_cluster_mode ]`, per `sesearch`). Red Hat's
  // HA stack for OpenStack (Pacemaker with Galera, HAProxy, RabbitMQ) turns it on: openstack-selinux
  // local_settings.sh, `boolean -m --on daemons_enable_cluster_mode`.
  selinux(ctx) {
    if (!isClusterMember(ctx)) return { ports: [], booleans: [] };
    return {
      ports: [],
      booleans: [
        {
          name: 'daemons_enable_cluster_mode',
          value: true,
          why: 'daemons managed by Pacemaker use the cluster',
        },
      ],
    };
  },
};
