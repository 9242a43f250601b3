/**
 * Where each file lives on the host. Debian layout unless `host_prep.package_family` is `dnf` (RHEL layout);
 * `auto` renders the Debian layout (the family is only known once a host is contacted).
 */
export interface Layout {
  family: 'apt' | 'dnf';
  corosync: string;
  cib: string;
  haproxy: string;
  galera: string;
  galeraProvider: string;
  /** Group that may read a galera.cnf holding the SST password. */
  mysqlGroup: string;
  /** garbd's settings (the package's unit reads them: Debian's garb-systemd, RHEL's EnvironmentFile). */
  garbd: string;
  /** garbd's systemd unit (Debian's galera-arbitrator-4: garb.service, garbd.service only an alias). */
  garbdUnit: string;
  /** The package that ships garbd and its unit. */
  garbdPackage: string;
  drbdDir: string;
  keepalived: string;
  chrony: string;
  chronyDrift: string;
  hosts: string;
  clustercheckScript: string;
  clustercheckCredentials: string;
  clustercheckSocket: string;
  clustercheckService: string;
}

const common = {
  corosync: '/etc/corosync/corosync.conf',
  cib: '/var/lib/hakit/cib.xml',
  haproxy: '/etc/haproxy/haproxy.cfg',
  mysqlGroup: 'mysql',
  drbdDir: '/etc/drbd.d',
  keepalived: '/etc/keepalived/keepalived.conf',
  hosts: '/etc/hosts',
  clustercheckScript: '/usr/local/bin/hakit-clustercheck',
  clustercheckCredentials: '/etc/hakit/clustercheck.cnf',
  clustercheckSocket: '/etc/systemd/system/hakit-clustercheck.socket',
  clustercheckService: '/etc/systemd/system/hakit-clustercheck@.service',
};

export const DEBIAN_LAYOUT: Layout = {
  ...common,
  family: 'apt',
  galera: '/etc/mysql/mariadb.conf.d/60-galera.cnf',
  galeraProvider: '/usr/lib/galera/libgalera_smm.so',
  garbd: '/etc/default/garb',
  garbdUnit: 'garb',
  garbdPackage: 'galera-arbitrator-4',
  chrony: '/etc/chrony/chrony.conf',
  chronyDrift: '/var/lib/chrony/chrony.drift',
};

export const RHEL_LAYOUT: Layout = {
  ...common,
  family: 'dnf',
  galera: '/etc/my.cnf.d/galera.cnf',
  galeraProvider: '/usr/lib64/galera-4/libgalera_smm.so',
  garbd: '/etc/sysconfig/garb',
  garbdUnit: 'garbd',
  garbdPackage: 'galera',
  chrony: '/etc/chrony.conf',
  chronyDrift: '/var/lib/chrony/drift',
};

export function layoutFor(inv: { readonly host_prep: { readonly package_family: string } }): Layout {
  return inv.host_prep.package_family === 'dnf' ? RHEL_LAYOUT : DEBIAN_LAYOUT;
}
