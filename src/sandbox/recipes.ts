import type { ImageRecipe } from './recipe.js';
import { recipeTag } from './recipe.js';

/** Debian suite the sandbox hosts run. */
export const SUITE = 'bookworm';

/**
 * Packages the host image adds to the debootstrap minbase. `nftables` (the `nft` tool, its service left disabled)
 * is what `hakit verify`'s partition drill on real hosts needs: the shared-cluster test runs that drill over SSH
 * against these nodes, and the drill installs nothing itself.
 */
export const HOST_PACKAGES = [
  'systemd',
  'systemd-sysv',
  'dbus',
  'openssh-server',
  'python3',
  'iproute2',
  'iputils-ping',
  'procps',
  'sudo',
  'less',
  'ca-certificates',
  'nftables',
];

/** The cluster packages whose .debs the package-cache image holds (downloaded, not installed). */
export const CACHED_PACKAGES = [
  'corosync',
  'pacemaker',
  'pacemaker-cli-utils',
  'pcs',
  'crmsh',
  'resource-agents',
  'fence-agents',
  'haproxy',
  'mariadb-server',
  'mariadb-backup',
  'galera-4',
  'galera-arbitrator-4',
  'rsync',
  'chrony',
  'keepalived',
  'drbd-utils',
  'ufw',
];

/** Units that make no sense in a container (no consoles, no udev, no kernel modules) or would race playbooks. */
export const MASKED_UNITS = [
  'getty@tty1.service',
  'console-getty.service',
  'serial-getty@.service',
  'systemd-udevd.service',
  'systemd-udev-trigger.service',
  'systemd-udev-settle.service',
  'systemd-modules-load.service',
  'systemd-remount-fs.service',
  'systemd-firstboot.service',
  'systemd-hwdb-update.service',
  'sys-kernel-config.mount',
  'sys-kernel-debug.mount',
  'sys-kernel-tracing.mount',
  'sys-fs-fuse-connections.mount',
  'apt-daily.timer',
  'apt-daily-upgrade.timer',
  'dpkg-db-backup.timer',
  'e2scrub_all.timer',
  'e2scrub_reap.service',
  'fstrim.timer',
  'man-db.timer',
];

/** The base image: `debootstrap --variant=minbase` of the suite, with the machine's APT sources. */
export function baseRecipe(sources: string, mirror: string): ImageRecipe {
  return {
    repo: 'hakit-sandbox-base',
    kind: 'base',
    files: {
      'debootstrap.args': `--variant=minbase ${SUITE} ${mirror}`,
      'debian.sources': sources,
    },
  };
}

const SSHD_CONF = `# hakit sandbox: key-only logins, one ed25519 host key generated at first boot.
HostKey /etc/ssh/ssh_host_ed25519_key
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AuthorizedKeysFile .ssh/authorized_keys /etc/ssh/authorized_keys/%u
UseDNS no
MaxStartups 200:30:400
MaxSessions 100
`;

const HOSTKEY_UNIT = `[Unit]
Description=Generate this node's SSH host key (hakit sandbox)
Before=ssh.service
ConditionPathExists=!/etc/ssh/ssh_host_ed25519_key

[Service]
Type=oneshot
ExecStart=/usr/bin/ssh-keygen -q -t ed25519 -N "" -f /etc/ssh/ssh_host_ed25519_key

[Install]
RequiredBy=ssh.service
`;

const APT_KEEP = `// hakit sandbox: keep downloaded packages (the package-cache image relies on it).
Binary::apt::APT::Keep-Downloaded-Packages "true";
APT::Keep-Downloaded-Packages "true";
`;

/** The host image: systemd as PID 1, sshd, python3, a sudo user `hakit`. */
export function hostRecipe(base: ImageRecipe): ImageRecipe {
  const parent = recipeTag(base);
  const dockerfile = `FROM ${parent}
ENV container=docker LANG=C.UTF-8
COPY apt-keep.conf /etc/apt/apt.conf.d/10hakit-keep-debs
RUN apt-get update \\
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${HOST_PACKAGES.join(' ')} \\
 && rm -f /var/cache/apt/archives/*.deb
RUN set -e; \\
    rm -f /etc/ssh/ssh_host_*; \\
    for u in ${MASKED_UNITS.join(' ')}; do ln -sf /dev/null /etc/systemd/system/$u; done; \\
    sed -i 's/^session\\s\\+required\\s\\+pam_loginuid.so/session optional pam_loginuid.so/' /etc/pam.d/sshd; \\
    useradd -m -s /bin/bash -G sudo hakit; \\
    echo 'hakit ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/hakit; chmod 0440 /etc/sudoers.d/hakit; \\
    install -d -m 0755 /etc/ssh/authorized_keys; \\
    : > /etc/machine-id; \\
    systemctl set-default multi-user.target
COPY hakit-sshd.conf /etc/ssh/sshd_config.d/hakit.conf
COPY hakit-ssh-hostkey.service /etc/systemd/system/hakit-ssh-hostkey.service
RUN systemctl enable hakit-ssh-hostkey.service ssh.service
STOPSIGNAL SIGRTMIN+3
CMD ["/lib/systemd/systemd"]
`;
  return {
    repo: 'hakit-sandbox-host',
    kind: 'host',
    parent,
    files: {
      Dockerfile: dockerfile,
      'apt-keep.conf': APT_KEEP,
      'hakit-sshd.conf': SSHD_CONF,
      'hakit-ssh-hostkey.service': HOSTKEY_UNIT,
    },
  };
}

/**
 * The host image plus a warm APT cache: the cluster packages' .debs (with their dependencies and
 * recommends) sit in /var/cache/apt/archives and the package lists are kept, so a playbook's real
 * `apt-get install` finds them locally instead of downloading them once per node.
 */
export function pkgcacheRecipe(host: ImageRecipe): ImageRecipe {
  const parent = recipeTag(host);
  const dockerfile = `FROM ${parent}
RUN apt-get update \\
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --download-only ${CACHED_PACKAGES.join(' ')} \\
 && ls /var/cache/apt/archives/*.deb | wc -l
`;
  return { repo: 'hakit-sandbox-host-pkgcache', kind: 'pkgcache', parent, files: { Dockerfile: dockerfile } };
}
