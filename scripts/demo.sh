#!/usr/bin/env bash
# The main job on the sandbox: start real hosts as containers, check the inventory against the real
# validators, then bootstrap the hosts over SSH and run it again to show that nothing changes.
set -euo pipefail
cd "$(dirname "$0")/.."
hakit() { node bin/hakit.js "$@"; }

bash scripts/ensure-docker.sh
[ -f dist/src/cli/main.js ] || npm run build
echo "== hakit check: inventory + every rendered file through its real validator"
hakit check -i inventories/sandbox.yaml
echo "== hakit sandbox up: 3 hosts with systemd and sshd (a previous demo sandbox is replaced)"
hakit sandbox down >/dev/null 2>&1 || true
hakit sandbox up
echo "== hakit bootstrap (first run: changes)"
hakit bootstrap -i inventories/sandbox.yaml --output plain
echo "== hakit bootstrap (second run: nothing changes)"
hakit bootstrap -i inventories/sandbox.yaml --output plain
echo "== the sandbox keeps running; remove it with: npx hakit sandbox down"
