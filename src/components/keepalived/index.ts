import type { Component, ComponentContext } from '../types.js';
import { keepalivedFirewall } from './firewall.js';
import { keepalivedView } from './view.js';

/** Whether the node is a member of a keepalived instance (`hakit check`: exactly the nodes with the role). */
export function isKeepalivedMember(ctx: ComponentContext): boolean {
  return ctx.inv.keepalived?.instances.some((i) => i.members.some((m) => m.node === ctx.node.name)) ?? false;
}

/** keepalived.conf on the members of its instances (playbooks/keepalived.yaml), and the keepalived package. */
export const keepalived: Component = {
  name: 'keepalived',
  firewall: keepalivedFirewall,
  files(ctx) {
    if (!isKeepalivedMember(ctx)) return [];
    return [
      {
        id: 'keepalived',
        kind: 'keepalived',
        template: 'keepalived.conf.hbs',
        path: ctx.layout.keepalived,
        view: keepalivedView(ctx.inv, ctx.node),
        mode: 0o644,
        sensitiveMode: 0o600,
        owner: 'root',
        group: 'root',
        validate: 'keepalived -t -f %s',
      },
    ];
  },
  // The same name on Debian and RHEL-like hosts (AppStream).
  packages: (ctx) => (isKeepalivedMember(ctx) ? ['keepalived'] : []),
};
