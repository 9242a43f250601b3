import type { Component } from '../types.js';
import { keepalivedFirewall } from './firewall.js';
import { keepalivedView } from './view.js';

export const keepalived: Component = {
  name: 'keepalived',
  firewall: keepalivedFirewall,
  files(ctx) {
    const member = ctx.inv.keepalived?.instances.some((i) => i.members.some((m) => m.node === ctx.node.name));
    if (!member) return [];
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
  // Not applied by `hakit bootstrap` yet (rendered and validated only).
  packages: () => [],
};
