/**
 * Benchmark D1 (issue #11): failover drills on the sandbox, several rounds each, as `hakit verify --drills`
 * measures them (client probe from this machine, numbered SQL writes through the VIP).
 *
 *   npm run bench -- --workload d1 [--reps 5] [--down]
 *
 * The sandbox `bench-d1` is reused when it is up (else created and bootstrapped with its generated inventory,
 * untimed). Then `--reps` rounds of each drill of D1_DRILLS, one `hakit verify` per round (each waits until the
 * cluster is healthy again). Prints per drill the median/min/max of the outage, the write gap and the fencing
 * time, and #11's targets; writes bench/results/<ts>-d1.json. Exit: 0 targets met, 3 a target missed, 1 an error.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSandbox, nodeAddresses, type Sandbox, sandboxDown, sandboxUp } from '../../src/sandbox/index.js';
import { table } from '../stats.js';
import { REPO } from '../tools.js';
import { type D1Round, d1Targets, roundsOf, spread } from './summary.js';

export const D1_SANDBOX = 'bench-d1';
export const D1_DRILLS = ['crash-vip-holder', 'crash-galera-writer', 'partition', 'kill-haproxy'] as const;

const log = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

function hakit(args: string[], timeoutMs: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(REPO, 'bin', 'hakit.js'), ...args],
      { cwd: REPO, timeout: timeoutMs, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

async function holdsVip(sb: Sandbox, node: string): Promise<boolean> {
  return (await nodeAddresses(sb, node))?.includes(sb.vip) ?? false;
}

export async function runD1(o: { reps: number; down: boolean }): Promise<number> {
  let sb = await loadSandbox(D1_SANDBOX, { cwd: REPO });
  const created = !sb;
  if (!sb) {
    log(`starting sandbox ${D1_SANDBOX}`);
    sb = await sandboxUp({ name: D1_SANDBOX, nodes: 3, cwd: REPO, onProgress: (m) => log(m) });
  }
  const inv = sb.inventoryPath;
  const dir = await mkdtemp(join(tmpdir(), 'hakit-d1-'));
  try {
    log('hakit bootstrap (untimed; nothing changes when the sandbox is already built)');
    const boot = await hakit(['bootstrap', '-i', inv, '--output', 'plain'], 20 * 60_000);
    if (boot.code !== 0) throw new Error(`bootstrap failed (exit ${boot.code}): ${boot.stderr.slice(-2000)}`);
    const rounds: D1Round[] = [];
    for (let rep = 1; rep <= o.reps; rep++)
      for (const drill of D1_DRILLS) {
        // #11's write-gap target is for the write node's crash alone: when it holds the VIP too, a standby
        // (not counted) moves the VIP off it first, and resource stickiness keeps it away after the unstandby.
        if (drill === 'crash-galera-writer' && (await holdsVip(sb, 'node1'))) {
          log('the VIP is on the Galera write node node1: a standby drill moves it away first (not counted)');
          const s = await hakit(
            ['verify', '-i', inv, '--drills', 'standby', '--output', 'json'],
            20 * 60_000,
          );
          if (s.code !== 0 && s.code !== 7) throw new Error(`verify --drills standby exited ${s.code}`);
        }
        const out = join(dir, `${drill}-${rep}`);
        const r = await hakit(
          ['verify', '-i', inv, '--drills', drill, '--report-dir', out, '--output', 'json'],
          20 * 60_000,
        );
        // 0 passed, 7 a drill or check failed: both have a report; anything else is an error.
        if (r.code !== 0 && r.code !== 7)
          throw new Error(`verify --drills ${drill} exited ${r.code}: ${r.stderr.slice(-2000)}`);
        const got = roundsOf(JSON.parse(await readFile(join(out, 'report.json'), 'utf8')));
        for (const g of got)
          log(
            `round ${rep} ${g.drill}: ${g.status}, outage ${g.outageS} s, write gap ${g.writeGapS ?? '-'} s, fenced in ${g.fencingS ?? '-'} s (VIP on ${g.holderBefore}, target ${g.target})`,
          );
        rounds.push(...got);
      }
    const fmt = (s: ReturnType<typeof spread>) =>
      s ? `${s.median.toFixed(2)} (${s.min.toFixed(2)}–${s.max.toFixed(2)})` : '–';
    const rows = [['drill', 'rounds', 'passed', 'outage s', 'write gap s', 'fencing s', 'lost']];
    for (const d of D1_DRILLS) {
      const rs = rounds.filter((r) => r.drill === d);
      rows.push([
        d,
        String(rs.length),
        String(rs.filter((r) => r.status === 'pass').length),
        fmt(spread(rs.map((r) => r.outageS))),
        fmt(spread(rs.map((r) => r.writeGapS ?? Number.NaN))),
        fmt(spread(rs.map((r) => r.fencingS ?? Number.NaN))),
        String(rs.reduce((n, r) => n + (r.lost ?? 0), 0)),
      ]);
    }
    const targets = d1Targets(rounds);
    process.stdout.write(
      `D1 — failover drills on the sandbox (${o.reps} rounds each; median (min–max))\n\n${table(rows)}\n\n` +
        `${targets.map((t) => `${t.met ? 'met   ' : 'MISSED'}  ${t.what}: ${t.detail}`).join('\n')}\n`,
    );
    const resultsDir = join(REPO, 'bench', 'results');
    await mkdir(resultsDir, { recursive: true });
    const file = join(resultsDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-d1.json`);
    await writeFile(
      file,
      `${JSON.stringify({ workload: 'D1', reps: o.reps, load1: loadavg()[0], rounds, targets }, null, 2)}\n`,
    );
    log(`results: ${file}`);
    return targets.every((t) => t.met) ? 0 : 3;
  } finally {
    await rm(dir, { recursive: true, force: true });
    if (o.down && created) await sandboxDown(D1_SANDBOX, { cwd: REPO });
  }
}
