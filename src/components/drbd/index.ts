import type { Component } from '../types.js';
import { drbdMemberNames, drbdView } from './view.js';

/** One resource file per DRBD resource the node takes part in. */
export const drbd: Component = {
  name: 'drbd',
  files(ctx) {
    const dir = ctx.layout.drbdDir;
    return (ctx.inv.drbd?.resources ?? [])
      .filter((r) => drbdMemberNames(r).includes(ctx.node.name))
      .map((r) => ({
        id: `drbd-${r.name}`,
        kind: 'drbd' as const,
        template: 'drbd.res.hbs',
        path: `${dir}/${r.name}.res`,
        view: drbdView(ctx.inv, r),
        mode: 0o644,
        owner: 'root',
        group: 'root',
        validate: `drbdadm --config-to-test %s --config-to-exclude ${dir}/${r.name}.res sh-nop`,
      }));
  },
  // Not applied by `hakit bootstrap` yet (rendered and validated only).
  packages: () => [],
};
