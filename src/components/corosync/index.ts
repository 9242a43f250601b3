import { clusterNodes } from '../../model/index.js';
import type { Component, ComponentContext, FileSpec } from '../types.js';
import { corosyncFirewall } from './firewall.js';
import { corosyncView } from './view.js';

export const COROSYNC_AUTHKEY = '/etc/corosync/authkey';

export function isClusterMember(ctx: ComponentContext): boolean {
  return clusterNodes(ctx.inv).some((n) => n.name === ctx.node.name);
}

/** corosync.conf (checked by `corosync -t` on the node itself) and the shared authkey (0400, never shown). */
export const corosync: Component = {
  name: 'corosync',
  firewall: corosyncFirewall,
  files(ctx) {
    if (!isClusterMember(ctx)) return [];
    const specs: FileSpec[] = [];
    const ref = ctx.inv.cluster.authkey;
    const bytes = ref ? () => ctx.loaded.secretBytes(ref) : ctx.authkey;
    if (bytes)
      specs.push({
        id: 'corosync-authkey',
        kind: 'corosync-authkey',
        path: COROSYNC_AUTHKEY,
        bytes,
        mode: 0o400,
        owner: 'root',
        group: 'root',
      });
    specs.push({
      id: 'corosync',
      kind: 'corosync',
      template: 'corosync.conf.hbs',
      path: ctx.layout.corosync,
      view: corosyncView(ctx.inv),
      mode: 0o644,
      owner: 'root',
      group: 'root',
      validate: 'corosync -t -c %s',
    });
    return specs;
  },
  packages: (ctx) => (isClusterMember(ctx) ? ['corosync'] : []),
};
