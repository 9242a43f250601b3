import type { Component } from '../types.js';
import { HOSTS_BEGIN, HOSTS_END, hostsView } from './view.js';

/** The managed block of /etc/hosts (every node by name); the rest of the file stays the host's. */
export const hosts: Component = {
  name: 'hosts',
  files: (ctx) =>
    ctx.inv.host_prep.hosts_file
      ? [
          {
            id: 'hosts-block',
            kind: 'hosts-block',
            template: 'hosts-block.hbs',
            path: ctx.layout.hosts,
            view: hostsView(ctx.inv),
            mode: 0o644,
            owner: 'root',
            group: 'root',
            block: { begin: HOSTS_BEGIN, end: HOSTS_END },
          },
        ]
      : [],
  packages: () => [],
};
