import { nodesWithRole } from '../../model/index.js';
import { shq } from '../../shell/posix.js';
import { commandFailure, type HealthCheck, type Measurement, type Probe } from '../health.js';
import { parseStatCsv, type StatRow, serverUp } from './stats.js';

const PY = [
  'import socket, sys',
  's = socket.socket(socket.AF_UNIX)',
  's.settimeout(10)',
  's.connect(sys.argv[1])',
  's.sendall(b"show stat\\n")',
  'd = b""',
  'while True:',
  '    b = s.recv(65536)',
  '    if not b: break',
  '    d += b',
  'sys.stdout.write(d.decode())',
].join('\n');

/** `show stat` on HAProxy's runtime API socket (socat, else python3), on every node with the haproxy role. */
export const statsProbe: Probe<StatRow[]> = {
  id: 'haproxy-stat',
  hosts: (inv) => nodesWithRole(inv, 'haproxy').map((n) => n.name),
  command: (inv) => {
    const sock = shq(inv.haproxy?.global.stats_socket ?? '/run/haproxy/admin.sock');
    return [
      'if command -v socat >/dev/null 2>&1; then',
      `  echo 'show stat' | socat -t 5 - UNIX-CONNECT:${sock}`,
      'elif command -v python3 >/dev/null 2>&1; then',
      `  python3 -c ${shq(PY)} ${sock}`,
      "else echo 'neither socat nor python3 is installed to read the stats socket' >&2; exit 127; fi",
    ].join('\n');
  },
  parse(out) {
    if (out.exitCode !== 0) throw commandFailure(out, 'show stat on the stats socket');
    return parseStatCsv(out.stdout);
  },
};

export const backendsCheck: HealthCheck = {
  id: 'haproxy.backends',
  component: 'haproxy',
  title: 'Every HAProxy backend server is up on every HAProxy node',
  reads: 'show stat on the runtime API socket (global.stats_socket) of every haproxy node',
  expects:
    'each server of each inventory backend listed with status UP (backups included: they must be ready)',
  why: 'a server down in HAProxy takes no traffic: the service runs on fewer nodes than it seems, or not at all',
  probes: [statsProbe],
  applies: (inv) =>
    inv.haproxy !== undefined && inv.haproxy.backends.length > 0 && nodesWithRole(inv, 'haproxy').length > 0,
  evaluate(ctx) {
    const backends = ctx.inv.haproxy?.backends ?? [];
    const problems: string[] = [];
    let up = 0;
    let total = 0;
    for (const r of ctx.readings(statsProbe)) {
      if (!r.ok) {
        problems.push(`${r.host}: stats not read (is haproxy running? systemctl status haproxy): ${r.error}`);
        continue;
      }
      for (const b of backends)
        for (const s of b.servers) {
          total++;
          const row = r.value.find((x) => x.pxname === b.name && x.svname === s.name);
          if (!row)
            problems.push(
              `${r.host}: ${b.name}/${s.name} is not in HAProxy's configuration (reload haproxy?)`,
            );
          else if (serverUp(row.status)) up++;
          else
            problems.push(
              `${r.host}: ${b.name}/${s.name} is ${row.status}${row.checkStatus ? ` (check ${row.checkStatus})` : ''}${row.lastChange !== null ? ` for ${row.lastChange} s` : ''}`,
            );
        }
    }
    const measurements: Measurement[] = [
      { name: 'servers_up', value: up },
      { name: 'servers_expected', value: total },
    ];
    if (problems.length) return { status: 'fail', message: problems.join('\n'), measurements };
    return {
      status: 'pass',
      message: `${up} of ${total} servers UP (every backend, every haproxy node)`,
      measurements,
    };
  },
};

export const HAPROXY_CHECKS: readonly HealthCheck[] = [backendsCheck];
