import type { Component } from '../types.js';
import { drbdFirewall } from './firewall.js';
import { drbdMemberNames, drbdView } from './view.js';

/** One resource file per DRBD resource the node takes part in, and drbd-utils on its members. */
export const drbd: Component = {
  name: 'drbd',
  firewall: drbdFirewall,
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
        // drbdadm reads the new file alone, as this host (its own name): `dump RES` fails when the host is not
        // named in the resource or its address is not on the host, where `dump all` would pass silently.
        validate: `drbdadm -c %s dump ${r.name}`,
      }));
  },
  // drbd-utils (drbdadm, drbdmeta, the ocf:linbit:drbd agent, crm-fence-peer.9.sh). Debian's kernel carries the
  // DRBD module. RHEL-like hosts need a repository that carries DRBD 9: these are ELRepo's names (drbd9x-utils,
  // kmod-drbd9x); hakit does not enable ELRepo or LINBIT's repositories (docs/commands/bootstrap.md).
  packages(ctx) {
    const member = (ctx.inv.drbd?.resources ?? []).some((r) => drbdMemberNames(r).includes(ctx.node.name));
    if (!member) return [];
    return ctx.layout.family === 'apt' ? ['drbd-utils'] : ['drbd9x-utils', 'kmod-drbd9x'];
  },
};
