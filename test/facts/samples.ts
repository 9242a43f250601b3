/**
 * Real outputs of the facts' commands. Debian 12: captured from a sandbox container (Debian 12.x, systemd
 * 252, OpenSSH 9.2). RHEL 9: transcribed from RHEL 9.4 / Rocky 9 hosts (same coreutils/util-linux formats;
 * rpm and dnf output as those tools print it).
 */
export const debian = {
  osRelease: `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
`,
  init: 'systemd|systemd\n',
  packageManager: 'apt-get\n',
  selinux: 'selinux\n',
  packages: 'tool=dpkg\nlibc6\tii \t2.36-9+deb12u14\nopenssh-server\tii \t1:9.2p1-2+deb12u10\n',
  packagesRemovedConfig: 'tool=dpkg\nnginx\trc \t1.22.1-9\n',
  aptPolicy: `tool=apt
openssh-server:
  Installed: 1:9.2p1-2+deb12u10
  Candidate: 1:9.2p1-2+deb12u10
  Version table:
 *** 1:9.2p1-2+deb12u10 500
        500 http://deb.debian.org/debian bookworm/main amd64 Packages
        100 /var/lib/dpkg/status
nginx:
  Installed: (none)
  Candidate: 1.22.1-9+deb12u10
  Version table:
     1.22.1-9+deb12u10 500
        500 http://deb.debian.org/debian-security bookworm-security/main amd64 Packages
bash:
  Installed: 5.2.15-2+b8
  Candidate: 5.2.15-2+b13
  Version table:
     5.2.15-2+b13 500
        500 http://deb.debian.org/debian bookworm/main amd64 Packages
 *** 5.2.15-2+b8 100
        100 /var/lib/dpkg/status
`,
  units: `systemd
unit|ssh
Id=ssh.service
LoadState=loaded
ActiveState=active
SubState=running
FragmentPath=/lib/systemd/system/ssh.service
UnitFileState=enabled
NeedDaemonReload=no
unit|cron.service
Id=cron.service
LoadState=masked
ActiveState=inactive
SubState=dead
FragmentPath=/etc/systemd/system/cron.service
UnitFileState=masked
NeedDaemonReload=no
unit|nope.service
Id=nope.service
LoadState=not-found
ActiveState=inactive
SubState=dead
FragmentPath=
UnitFileState=
NeedDaemonReload=no
unit|systemd-journald.service
Id=systemd-journald.service
LoadState=loaded
ActiveState=active
SubState=running
FragmentPath=/lib/systemd/system/systemd-journald.service
UnitFileState=static
NeedDaemonReload=no
`,
  fileRegular:
    'stat|regular file|644|root|root|0|0|3223\nsha256|160f305635ece2300959616ab840adeb028dfc3a986bc14859675aaf55e70bbe\n',
  fileDir: 'stat|directory|755|root|root|0|0|4096\n',
  fileLink: 'stat|symbolic link|777|root|root|0|0|21\ntarget|../usr/lib/os-release\n',
  fileAbsent: 'absent\n',
  sysctl:
    'R\tnet.ipv4.ip_local_port_range\nR\tvm.swappiness\nM\tnet.ipv4.nope\n/proc/sys/net/ipv4/ip_local_port_range:32768\t60999\n/proc/sys/vm/swappiness:60\n',
  users: `U|root|root:x:0:0:root:/root:/bin/bash
G|root|root|root
U|hakit|hakit:x:1000:1000::/home/hakit:/bin/bash
G|hakit|hakit|hakit sudo
U|sshd|sshd:x:101:65534::/run/sshd:/usr/sbin/nologin
G|sshd|nogroup|nogroup
N|ghost
`,
  groups: 'G|sudo|sudo:x:27:hakit\nN|ghost\nG|root|root:x:0:\n',
  authorizedKeysNoDir: 'home|/home/hakit\ngroup|hakit\nK|00\n',
};

export const rhel = {
  osRelease: `NAME="Red Hat Enterprise Linux"
VERSION="9.4 (Plow)"
ID="rhel"
ID_LIKE="fedora"
VERSION_ID="9.4"
PLATFORM_ID="platform:el9"
PRETTY_NAME="Red Hat Enterprise Linux 9.4 (Plow)"
ANSI_COLOR="0;31"
LOGO="fedora-logo-icon"
CPE_NAME="cpe:/o:redhat:enterprise_linux:9::baseos"
HOME_URL="https://www.redhat.com/"
DOCUMENTATION_URL="https://access.redhat.com/documentation/en-us/red_hat_enterprise_linux/9"
BUG_REPORT_URL="https://issues.redhat.com/"

REDHAT_BUGZILLA_PRODUCT="Red Hat Enterprise Linux 9"
REDHAT_BUGZILLA_PRODUCT_VERSION=9.4
REDHAT_SUPPORT_PRODUCT="Red Hat Enterprise Linux"
REDHAT_SUPPORT_PRODUCT_VERSION="9.4"
`,
  rockyOsRelease: `NAME="Rocky Linux"
VERSION="9.4 (Blue Onyx)"
ID="rocky"
ID_LIKE="rhel centos fedora"
VERSION_ID="9.4"
PLATFORM_ID="platform:el9"
PRETTY_NAME="Rocky Linux 9.4 (Blue Onyx)"
`,
  packageManager: 'dnf\n',
  selinuxEnforcing: 'selinux\nenforce|1\ngetenforce|Enforcing\nconfig|enforcing\n',
  selinuxPermissiveConfiguredDisabled: 'selinux\nenforce|0\ngetenforce|Permissive\nconfig|disabled\n',
  selinuxDisabled: 'selinux\ngetenforce|Disabled\nconfig|disabled\n',
  packages:
    'tool=rpm\nopenssh-server\tii \t8.7p1-38.el9\nshadow-utils\tii \t2:4.9-8.el9\npackage nginx is not installed\n',
  dnfUpgrades: `tool=dnf
Available Upgrades
bash.x86_64                    5.1.8-9.el9_4                      baseos
`,
  units: `systemd
unit|sshd.service
Id=sshd.service
LoadState=loaded
ActiveState=active
SubState=running
FragmentPath=/usr/lib/systemd/system/sshd.service
UnitFileState=enabled
NeedDaemonReload=no
unit|pcsd
Id=pcsd.service
LoadState=loaded
ActiveState=inactive
SubState=dead
FragmentPath=/usr/lib/systemd/system/pcsd.service
UnitFileState=disabled
NeedDaemonReload=yes
`,
  users: `U|cloud-user|cloud-user:x:1000:1000:Cloud User:/home/cloud-user:/bin/bash
G|cloud-user|cloud-user|cloud-user adm wheel systemd-journal
`,
};
