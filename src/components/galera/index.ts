import type { Component, FileSpec } from '../types.js';
import { galeraFirewall } from './firewall.js';
import { galeraMembers } from './members.js';
import { galeraSelinux } from './selinux.js';
import { galeraView, garbdView } from './view.js';

/** galera.cnf, the clustercheck health service (script, credentials, socket unit), garbd's settings. */
export const galera: Component = {
  name: 'galera',
  firewall: galeraFirewall,
  files(ctx) {
    const { inv, node, layout } = ctx;
    const specs: FileSpec[] = [];
    if (inv.galera && galeraMembers(inv).includes(node.name)) {
      const view = galeraView(inv, node, layout);
      specs.push({
        id: 'galera',
        kind: 'galera',
        template: 'galera.cnf.hbs',
        path: layout.galera,
        view,
        mode: 0o644,
        sensitiveMode: 0o640,
        owner: 'root',
        group: 'root',
        sensitiveGroup: layout.mysqlGroup,
        validate: 'mariadbd --defaults-file=%s --help --verbose',
      });
      const check = { view, owner: 'root', group: 'root', kind: 'galera-check' as const };
      specs.push(
        {
          ...check,
          id: 'clustercheck-script',
          template: 'clustercheck.sh.hbs',
          path: layout.clustercheckScript,
          mode: 0o755,
          validate: 'sh -n %s',
        },
        {
          ...check,
          id: 'clustercheck-credentials',
          template: 'clustercheck.cnf.hbs',
          path: layout.clustercheckCredentials,
          mode: 0o600,
        },
        {
          ...check,
          id: 'clustercheck-socket',
          template: 'clustercheck.socket.hbs',
          path: layout.clustercheckSocket,
          mode: 0o644,
        },
        {
          ...check,
          id: 'clustercheck-service',
          template: 'clustercheck@.service.hbs',
          path: layout.clustercheckService,
          mode: 0o644,
        },
      );
    }
    if (inv.galera?.garbd?.node === node.name)
      specs.push({
        id: 'garbd',
        kind: 'garbd',
        template: 'garbd.hbs',
        path: layout.garbd,
        view: garbdView(inv),
        mode: 0o644,
        owner: 'root',
        group: 'root',
        validate: 'sh -n %s',
      });
    return specs;
  },
  // The server, the Galera provider and the SST tool of the method: rsync (Debian's wsrep_sst_rsync runs it),
  // or mariabackup. RHEL-like hosts (AppStream): mariadb-server-galera pulls galera and the server.
  packages(ctx) {
    const { inv, node, layout } = ctx;
    if (!inv.galera) return [];
    // garbd: Debian's galera-arbitrator-4, RHEL's galera package (garbd ships with the provider there).
    if (inv.galera.garbd?.node === node.name) return [layout.garbdPackage];
    if (!galeraMembers(inv).includes(node.name)) return [];
    const sst = inv.galera.sst.method === 'mariabackup' ? 'mariadb-backup' : 'rsync';
    return layout.family === 'apt'
      ? ['mariadb-server', 'galera-4', sst]
      : ['mariadb-server-galera', 'galera', sst];
  },
  selinux: galeraSelinux,
};
