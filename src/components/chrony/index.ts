import type { Component } from '../types.js';
import { chronyView } from './view.js';

export const chrony: Component = {
  name: 'chrony',
  files: (ctx) => [
    {
      id: 'chrony',
      kind: 'chrony',
      template: 'chrony.conf.hbs',
      path: ctx.layout.chrony,
      view: chronyView(ctx.inv, ctx.layout),
      mode: 0o644,
      owner: 'root',
      group: 'root',
      validate: 'chronyd -p -f %s',
    },
  ],
  packages: () => ['chrony'],
};
