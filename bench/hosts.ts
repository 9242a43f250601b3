import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import type { Sandbox } from '../src/sandbox/index.js';

/**
 * Host-side helpers of the W1 benchmark, run through `docker exec` (never timed): install the prerequisite
 * unit, reset a host to its pre-W1 state, and snapshot the state W1 leaves so both tools can be compared.
 */

/** The unit W1 starts. Installing it is a prerequisite (like an installed package), not part of W1. */
const UNIT = `[Unit]
Description=W1 benchmark demo service

[Service]
ExecStart=/bin/sleep infinity

[Install]
WantedBy=multi-user.target
`;

const PREPARE = `set -e
cat > /etc/systemd/system/w1-demo.service <<'EOF'
${UNIT}EOF
systemctl daemon-reload`;

/** Removes everything W1 creates, the same way before every first run of either tool. */
export const RESET = `systemctl stop w1-demo.service 2>/dev/null || true
rm -rf /etc/w1 /var/lib/w1 /var/log/w1 /opt/w1 /etc/sysctl.d/90-w1.conf /etc/selinux/config /root/.ssh /root/.ansible
# /etc/hosts is a bind mount: rewrite it in place
grep -v 'bench\\.internal$' /etc/hosts > /tmp/w1-hosts || true
cat /tmp/w1-hosts > /etc/hosts && rm -f /tmp/w1-hosts
if getent group w1 >/dev/null; then groupdel w1; fi
exit 0`;

/** Paths W1 manages; the sysctl file is compared by its settings (Ansible writes `k=v`, hakit `k = v`). */
const PATHS = [
  '/etc/w1',
  '/etc/w1/conf.d',
  '/etc/w1/conf.d/api.conf',
  '/etc/w1/conf.d/worker.conf',
  '/etc/w1/conf.d/cache.conf',
  '/etc/w1/conf.d/proxy.conf',
  '/etc/w1/conf.d/metrics.conf',
  '/etc/w1/authkey',
  '/var/lib/w1',
  '/var/lib/w1/.initialized',
  '/var/lib/w1/node-id',
  '/var/log/w1',
  '/opt/w1',
  '/opt/w1/conf',
  '/etc/selinux/config',
  '/root/.ssh',
  '/root/.ssh/authorized_keys',
  '/etc/sysctl.d/90-w1.conf',
];

const SNAPSHOT = `for p in ${PATHS.join(' ')}; do
  if [ ! -e "$p" ] && [ ! -L "$p" ]; then echo "$p missing"; continue; fi
  echo "$p $(stat -c '%F %a %U:%G' -- "$p")"
  if [ -L "$p" ]; then echo "$p -> $(readlink -- "$p")"
  elif [ -f "$p" ] && [ "$p" != /etc/sysctl.d/90-w1.conf ]; then echo "$p sha256 $(sha256sum < "$p" | cut -c1-64)"; fi
done
[ -f /etc/sysctl.d/90-w1.conf ] && sed 's/[[:space:]]//g' /etc/sysctl.d/90-w1.conf | sort | sed 's/^/sysctl /'
grep 'bench\\.internal$' /etc/hosts | sed 's/^/hosts /'
echo "service w1-demo $(systemctl is-active w1-demo.service)"
echo "group $(getent group w1 | cut -d: -f1,3)"
exit 0`;

export interface ShResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a shell script in a container. */
export function dockerSh(container: string, script: string): Promise<ShResult> {
  return new Promise((resolve) => {
    execFile(
      'docker',
      ['exec', container, 'sh', '-c', script],
      { maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

async function onAll(sb: Sandbox, script: string, what: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  await Promise.all(
    sb.nodes.map(async (n) => {
      const r = await dockerSh(n.containerName, script);
      if (r.code !== 0) throw new Error(`${what} failed on ${n.name} (exit ${r.code}): ${r.stderr.trim()}`);
      out.set(n.name, r.stdout);
    }),
  );
  return out;
}

export async function prepareHosts(sb: Sandbox): Promise<void> {
  await onAll(sb, PREPARE, 'prepare');
}

export async function resetHosts(sb: Sandbox): Promise<void> {
  await onAll(sb, RESET, 'reset');
}

/** Per host: the lines describing what W1 left (modes, owners, content hashes, settings, service, group). */
export async function snapshotHosts(sb: Sandbox): Promise<Map<string, string[]>> {
  const raw = await onAll(sb, SNAPSHOT, 'snapshot');
  const out = new Map<string, string[]>();
  for (const [host, text] of raw)
    out.set(
      host,
      text.split('\n').filter((l) => l !== ''),
    );
  return out;
}

/**
 * Differences between two snapshots, as "host: line" descriptions that name paths but never content (the
 * authkey's hash stays out of reports). Empty when both tools left the same state.
 */
export function diffSnapshots(a: Map<string, string[]>, b: Map<string, string[]>): string[] {
  const diffs: string[] = [];
  const redact = (l: string) => (l.startsWith('/etc/w1/authkey sha256') ? '/etc/w1/authkey content' : l);
  for (const host of new Set([...a.keys(), ...b.keys()])) {
    const la = a.get(host) ?? [];
    const lb = b.get(host) ?? [];
    const sa = new Set(la);
    const sb = new Set(lb);
    for (const l of la) if (!sb.has(l)) diffs.push(`${host}: only in first: ${redact(l)}`);
    for (const l of lb) if (!sa.has(l)) diffs.push(`${host}: only in second: ${redact(l)}`);
  }
  return diffs;
}

/** Every managed path exists, the service runs and the group is there (a snapshot of a complete W1). */
export function snapshotProblems(s: Map<string, string[]>): string[] {
  const problems: string[] = [];
  for (const [host, lines] of s) {
    for (const l of lines) if (l.endsWith(' missing')) problems.push(`${host}: ${l}`);
    if (!lines.includes('service w1-demo active')) problems.push(`${host}: w1-demo is not active`);
    if (!lines.some((l) => /^group w1:\d+$/.test(l))) problems.push(`${host}: group w1 is missing`);
    if (lines.filter((l) => l.startsWith('hosts ')).length !== 3)
      problems.push(`${host}: not 3 /etc/hosts lines`);
    if (lines.filter((l) => l.startsWith('sysctl ')).length !== 2)
      problems.push(`${host}: not 2 sysctl lines`);
  }
  return problems;
}

/**
 * CPU time used so far (ms) by all of a sandbox's node containers together (cgroup v1 cpuacct or cgroup v2
 * cpu.stat), or null when this machine does not expose it. Used to show where a run's CPU goes: on a 2-core
 * machine the 30 hosts and the controller share the same cores.
 */
export async function hostsCpuMeter(sb: Sandbox): Promise<() => number | null> {
  const ids = await Promise.all(
    sb.nodes.map(
      (n) =>
        new Promise<string>((resolve) =>
          execFile('docker', ['inspect', '-f', '{{.Id}}', n.containerName], (err, out) =>
            resolve(err ? '' : out.trim()),
          ),
        ),
    ),
  );
  const files = ids.map((id) =>
    [
      { path: `/sys/fs/cgroup/cpuacct/docker/${id}/cpuacct.usage`, unit: 'ns' as const },
      { path: `/sys/fs/cgroup/system.slice/docker-${id}.scope/cpu.stat`, unit: 'stat' as const },
      { path: `/sys/fs/cgroup/docker/${id}/cpu.stat`, unit: 'stat' as const },
    ].find((f) => id !== '' && existsSync(f.path)),
  );
  if (files.some((f) => f === undefined)) return () => null;
  return () => {
    let ms = 0;
    for (const f of files) {
      const text = readFileSync(f!.path, 'utf8');
      if (f!.unit === 'ns') ms += Number(text) / 1e6;
      else ms += Number(/usage_usec (\d+)/.exec(text)?.[1] ?? Number.NaN) / 1e3;
    }
    return Number.isFinite(ms) ? ms : null;
  };
}

/** CPU time (ms) of this process's finished, waited-for children (and their descendants), from /proc. */
export function childrenCpuMs(): number | null {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command name: state is field 3, so cutime (16) and cstime (17) are at indices 13 and 14.
    const ticks = Number(fields[13]) + Number(fields[14]);
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}
