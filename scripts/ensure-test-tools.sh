#!/usr/bin/env bash
# Makes sure the programs the test suite runs for real are here: the daemons' own validators (haproxy -c,
# corosync -t, keepalived -t, chronyd -p, drbdadm, crm_verify and cibadmin, mariadbd --help --verbose) and a
# MariaDB client (the cluster tests write through the VIP as an application would), and chromium (report.html is
# screenshotted in a real headless browser).
#  - all present: nothing to do.
#  - otherwise, on Debian as root: apt-get install the missing packages (a failed install is retried once after
#    apt-get update).
#  - otherwise: print what is missing and go on (the tests that need it fail, naming the program).
# Idempotent; `npm test` runs it first.
set -euo pipefail

say() { printf 'ensure-test-tools: %s\n' "$*" >&2; }
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ]; }

need=()
have haproxy || need+=(haproxy)
have keepalived || need+=(keepalived)
have chronyd || need+=(chrony)
have drbdadm || need+=(drbd-utils)
have corosync || need+=(corosync)
have crm_verify || need+=(pacemaker-cli-utils)
have mariadbd || need+=(mariadb-server-core)
have mariadb || need+=(mariadb-client)
have chromium || need+=(chromium)
[ "${#need[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  say "missing: ${need[*]} (Debian package names); install them, or the tests that run them fail"
  exit 0
fi
say "installing: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
if ! apt-get install -y -qq --no-install-recommends "${need[@]}" >"$log" 2>&1; then
  say "apt-get install failed; refreshing package lists and retrying"
  apt-get update -qq >"$log" 2>&1 || true
  apt-get install -y -qq --no-install-recommends "${need[@]}" >"$log" 2>&1 || {
    tail -20 "$log" >&2
    say "could not install ${need[*]}"
    rm -f "$log"
    exit 1
  }
fi
rm -f "$log"
