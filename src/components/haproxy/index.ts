import type { Component } from '../types.js';
import { haproxyFirewall } from './firewall.js';
import { haproxySelinux } from './selinux.js';
import { haproxyView } from './view.js';

export const haproxy: Component = {
  name: 'haproxy',
  firewall: haproxyFirewall,
  files(ctx) {
    if (!ctx.inv.haproxy || !ctx.node.roles.includes('haproxy')) return [];
    return [
      {
        id: 'haproxy',
        kind: 'haproxy',
        template: 'haproxy.cfg.hbs',
        path: ctx.layout.haproxy,
        view: haproxyView(ctx.inv),
        mode: 0o644,
        owner: 'root',
        group: 'root',
        validate: 'haproxy -c -f %s',
      },
    ];
  },
  packages: (ctx) => (ctx.inv.haproxy && ctx.node.roles.includes('haproxy') ? ['haproxy'] : []),
  selinux: haproxySelinux,
};
