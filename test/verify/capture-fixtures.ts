/**
 * Captures what the health-check probes print on a sandbox cluster into test/verify/fixtures (run by hand, not
 * a test): `npx tsx test/verify/capture-fixtures.ts SANDBOX DIR [PROBE:NODE:FILE ...]`. Without PROBE:NODE:FILE
 * arguments it captures every probe on every host it runs on, under the names `healthyAnswers()` reads. Each
 * probe's own command runs through `docker exec` in the node's container, so a fixture is byte for byte what
 * the probe reads over SSH.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseInventory } from '../../src/inventory/load.js';
import { allProbes, FIXTURES } from './support.js';

const [sandbox, dir, ...specs] = process.argv.slice(2);
if (!sandbox || !dir) throw new Error('usage: capture-fixtures.ts SANDBOX DIR [PROBE:NODE:FILE ...]');
const invPath = join(process.cwd(), '.hakit/sandbox', sandbox, 'inventory.yaml');
const inv = parseInventory(invPath, readFileSync(invPath, 'utf8')).inventory;
const probes = allProbes();

const NAMES: Record<string, (node: string) => string> = {
  'corosync-quorumtool': (n) => `quorumtool-${n}.txt`,
  'corosync-cfgtool': (n) => `cfgtool-${n}.txt`,
  'corosync-cmapctl': (n) => `cmapctl-${n}.txt`,
  crm_mon: () => 'crm_mon.xml',
  cibadmin: () => 'cib.xml',
  crm_verify: () => 'crm_verify.txt',
  stonith_admin: () => 'stonith_admin.txt',
  'ip-addr': (n) => `ip-addr-${n}.txt`,
  'galera-state': (n) => `galera-state-${n}.txt`,
  'haproxy-stat': () => 'show-stat.csv',
  time: () => 'time.txt',
};

const jobs: { probe: string; node: string; file: string }[] = specs.length
  ? specs.map((s) => {
      const [probe, node, file] = s.split(':');
      return { probe: probe!, node: node!, file: file! };
    })
  : [...probes.values()].flatMap((p) => {
      const hosts = p.once ? p.hosts(inv).slice(0, 1) : p.hosts(inv);
      const name = NAMES[p.id] ?? ((n: string) => `${p.id}-${n}.txt`);
      // Same-named files (crm_mon.xml on every node) keep the first node's.
      const jobs = new Map<string, { probe: string; node: string; file: string }>();
      for (const h of hosts)
        if (!jobs.has(name(h))) jobs.set(name(h), { probe: p.id, node: h, file: name(h) });
      return [...jobs.values()];
    });

mkdirSync(join(FIXTURES, dir), { recursive: true });
for (const j of jobs) {
  const p = probes.get(j.probe);
  if (!p) throw new Error(`no probe ${j.probe}`);
  const r = spawnSync('docker', ['exec', `hakit-${sandbox}-${j.node}`, 'sh', '-c', p.command(inv)], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  writeFileSync(join(FIXTURES, dir, j.file), r.stdout);
  process.stdout.write(
    `${j.probe}@${j.node} → ${dir}/${j.file} (exit ${r.status}, ${r.stdout.length} bytes)\n`,
  );
}
if (!specs.length) copyFileSync(invPath, join(FIXTURES, 'inventory.yaml'));
