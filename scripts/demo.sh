#!/usr/bin/env bash
# The main job on the sandbox: start real hosts as containers, check the inventory against the real
# validators, bootstrap a fenced 3-node cluster over SSH, run it again to show that nothing changes, then show
# the cluster and prove the VIP answers from this machine through HAProxy, with Galera behind it, and end with
# `hakit verify --drills all`: every failover drill, measured from a client on this machine, with its reports.
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
echo "== hakit bootstrap (first run: packages, corosync, HAProxy, Pacemaker with fencing and the VIP)"
hakit bootstrap -i inventories/sandbox.yaml --output plain
echo "== hakit bootstrap (second run: nothing changes)"
hakit bootstrap -i inventories/sandbox.yaml --output plain
echo "== the cluster, as the hosts see it"
hakit sandbox ssh node1 -- corosync-quorumtool -s
hakit sandbox ssh node1 -- crm_mon -1 -r
echo "== the VIP answers from this machine through HAProxy"
vip=10.213.0.100
node -e '
  const [host, port] = [process.argv[1], Number(process.argv[2])];
  const s = require("node:net").connect({ host, port, timeout: 5000 });
  s.on("connect", () => { console.log(`TCP ${host}:${port}: HAProxy accepted the connection`); s.destroy(); });
  s.on("timeout", () => { console.error(`TCP ${host}:${port}: timed out`); process.exit(1); });
  s.on("error", (e) => { console.error(`TCP ${host}:${port}: ${e.message}`); process.exit(1); });
' "$vip" 3307
for n in node1 node2 node3; do
  if hakit sandbox ssh "$n" -- ip -o -4 addr show | grep -q " $vip/"; then echo "VIP $vip is on $n"; fi
done
echo "== Galera: every member Synced, and a SQL query answered through the VIP and HAProxy from this machine"
hakit galera status -i inventories/sandbox.yaml
bash scripts/ensure-test-tools.sh   # a MariaDB client on this machine (and the validators), when missing
# An application's account (no privileges: it only reads the server's status), made here as an operator would
# (hakit creates only its own check and SST users); the password goes on stdin and in MYSQL_PWD, never on a
# command line.
pw=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
printf "CREATE USER IF NOT EXISTS 'demo'@'%%' IDENTIFIED BY '%s'; ALTER USER 'demo'@'%%' IDENTIFIED BY '%s';\n" "$pw" "$pw" |
  hakit sandbox ssh node1 -- mariadb
MYSQL_PWD="$pw" mariadb -h "$vip" -P 3307 -u demo --connect-timeout=10 -N -B -e \
  "SELECT CONCAT('SQL through ', '$vip', ':3307 answered by ', @@wsrep_node_name, ' in a Galera cluster of ', VARIABLE_VALUE, ' members') FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'WSREP_CLUSTER_SIZE'"
echo "== hakit verify: health checks, then every failover drill with a client probe and numbered SQL writes"
# The sandbox's generated inventory (beside its state) lets the drills break nodes through Docker (kill, network
# disconnect) and start them again; inventories/sandbox.yaml would use SSH (systemctl kill, nft) like real hosts.
report=.hakit/demo-report
rm -rf "$report"
hakit verify -i .hakit/sandbox/default/inventory.yaml --drills all --report-dir "$report" --output plain
echo "== the drill report: $(pwd)/$report/report.html (also report.json and junit.xml there)"
echo "== the sandbox keeps running; remove it with: npx hakit sandbox down"
