#!/usr/bin/env bash
# Makes sure a Docker engine answers and the machine can run many systemd containers (hakit sandbox).
#  - `docker info` works: nothing to install.
#  - otherwise, on Debian as root: apt-get install -y docker.io debootstrap, start dockerd (setsid, log to
#    $HAKIT_DOCKERD_LOG, default /tmp/hakit-dockerd.log) and wait (bounded) until `docker info` answers.
#  - otherwise: print exactly what is missing and exit 1.
# Also installs debootstrap when missing (needed once, to build the sandbox base image) and raises
# fs.inotify.max_user_instances (more than ~18 systemd containers exhaust the default 128).
# Idempotent; safe to run before every test run, demo or CI job.
set -euo pipefail

LOG="${HAKIT_DOCKERD_LOG:-/tmp/hakit-dockerd.log}"
WAIT_SECONDS="${HAKIT_DOCKERD_WAIT:-60}"
INOTIFY_MIN=8192

say() { printf 'ensure-docker: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }
is_debian() { [ -r /etc/debian_version ] && command -v apt-get >/dev/null 2>&1; }
docker_ok() { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }

apt_install() {
  say "installing: $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >/dev/null 2>&1 || {
    say "apt-get install failed; refreshing package lists and retrying"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >/dev/null ||
      die "could not install $* with apt-get"
  }
}

if ! docker_ok; then
  if ! is_root || ! is_debian; then
    what="no Docker engine answers 'docker info'"
    command -v docker >/dev/null 2>&1 || what="the docker command is not installed"
    is_root || die "$what, and this is not root: as root run 'apt-get install -y docker.io debootstrap' and start dockerd (or run this script as root)"
    die "$what, and this is not a Debian machine with apt-get: install a Docker engine and start it, then re-run"
  fi
  command -v dockerd >/dev/null 2>&1 || apt_install docker.io
  command -v debootstrap >/dev/null 2>&1 || apt_install debootstrap
  if ! pgrep -x dockerd >/dev/null 2>&1; then
    say "starting dockerd (log: $LOG)"
    setsid dockerd >"$LOG" 2>&1 < /dev/null &
  else
    say "dockerd is running but does not answer yet; waiting"
  fi
  for _ in $(seq 1 "$WAIT_SECONDS"); do
    docker_ok && break
    sleep 1
  done
  docker_ok || die "dockerd did not answer 'docker info' within ${WAIT_SECONDS} s; see $LOG"
  say "docker engine is up"
fi

if ! command -v debootstrap >/dev/null 2>&1; then
  if is_root && is_debian; then
    apt_install debootstrap
  else
    say "warning: debootstrap is missing; it is needed once to build the sandbox base image (apt-get install -y debootstrap as root)"
  fi
fi

current="$(cat /proc/sys/fs/inotify/max_user_instances 2>/dev/null || echo 0)"
if [ "$current" -lt "$INOTIFY_MIN" ]; then
  if is_root && sysctl -q -w "fs.inotify.max_user_instances=$INOTIFY_MIN" >/dev/null 2>&1; then
    say "raised fs.inotify.max_user_instances from $current to $INOTIFY_MIN"
  else
    say "warning: fs.inotify.max_user_instances is $current; more than ~18 sandbox nodes need 'sysctl -w fs.inotify.max_user_instances=$INOTIFY_MIN' (as root)"
  fi
fi
exit 0
