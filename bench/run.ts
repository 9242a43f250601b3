/**
 * Benchmark W1 (issue #4, part 9): the same host preparation with hakit and with Ansible, on the same sandbox
 * hosts, first run and no-op rerun, median of N runs, on 3 hosts and on 30 light hosts.
 *
 *   npm run bench -- [--sizes 3,30] [--reps 5] [--down]
 *   npm run bench -- --workload b1 [--reps 5] [--down]     (B1, cluster bootstrap: see bench/b1/bench.ts)
 *   npm run bench -- --workload d1 [--reps 5] [--down]     (D1, failover drills: see bench/d1/bench.ts)
 *
 * Per size: a sandbox `bench<N>` (reused when it is up, else created; `--down` removes the ones it created),
 * the prerequisite unit installed, then per repetition and tool (order alternating): reset the hosts (untimed),
 * time the first run, snapshot the hosts, time the no-op rerun (must report changed=0). After each repetition
 * the two tools' snapshots must be identical. Prints a table and the targets; writes bench/results/<ts>.json.
 * Exit: 0 targets met, 3 a target missed, 1 an error (a failed run, a state mismatch, a non-idempotent rerun).
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { loadSandbox, type Sandbox, sandboxDown, sandboxStatus, sandboxUp } from '../src/sandbox/index.js';
import { runB1 } from './b1/bench.js';
import { runD1 } from './d1/bench.js';
import {
  childrenCpuMs,
  diffSnapshots,
  hostsCpuMeter,
  prepareHosts,
  resetHosts,
  snapshotHosts,
  snapshotProblems,
} from './hosts.js';
import { type FloorMedian, floorRatios, median, seconds, table } from './stats.js';
import {
  ansibleTool,
  floorRun,
  hakitSummary,
  hakitTool,
  REPO,
  type Tool,
  type ToolRun,
  workDir,
  writeAuthkey,
} from './tools.js';

interface Options {
  workload: 'w1' | 'b1' | 'd1';
  sizes: number[];
  reps: number;
  down: boolean;
}

interface Sample {
  rep: number;
  firstMs: number;
  noopMs: number;
  /** 1-minute load average just before the first run. */
  load: number;
  /** CPU used by the tool's process tree (controller) and by all sandbox containers (hosts), ms; null if unknown. */
  cpu?: { first: CpuUse; noop: CpuUse };
}

interface CpuUse {
  controllerMs: number | null;
  hostsMs: number | null;
}

interface SizeResult {
  hosts: number;
  sandbox: string;
  commands: Record<string, string>;
  samples: Record<string, Sample[]>;
  median: Record<string, { firstMs: number; noopMs: number }>;
  ratio: { first: number; noop: number };
  /** Per-task wall time of hakit's last no-op rerun (ms), from its JSON events: where the time goes. */
  hakitNoopTasks: Array<{ task: string; ms: number }>;
  stateIdentical: boolean;
  stateDiffs: string[];
  /** Reruns that reported changes (W1 must be idempotent for both tools). */
  rerunProblems: string[];
  /** The floor on these hosts (bench/floor.ts): log in, then `rounds` rounds of an empty command; median of reps. */
  floor: Floor[];
}

interface Floor extends FloorMedian {
  samples: number[];
  cpu: CpuUse[];
}

function parseArgs(argv: string[]): Options {
  const o: Options = { workload: 'w1', sizes: [3, 30], reps: 5, down: false };
  let sizesGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--sizes') {
      o.sizes = next().split(',').map(Number);
      sizesGiven = true;
    } else if (a === '--reps') o.reps = Number(next());
    else if (a === '--down') o.down = true;
    else if (a === '--workload') {
      const w = next();
      if (w !== 'w1' && w !== 'b1' && w !== 'd1') throw new Error('--workload: w1, b1 or d1');
      o.workload = w;
    } else throw new Error(`unknown option ${a} (known: --workload w1|b1|d1 --sizes 3,30 --reps 5 --down)`);
  }
  if (o.workload !== 'w1' && sizesGiven)
    throw new Error(`--sizes: ${o.workload.toUpperCase()} always runs on 3 nodes`);
  if (o.sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 30))
    throw new Error('--sizes: counts from 1 to 30');
  if (!Number.isInteger(o.reps) || o.reps < 1) throw new Error('--reps: a positive integer');
  return o;
}

const log = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

/** The sandbox `bench<N>`: reused when all its nodes run, else (re)created. Returns whether it was created. */
async function ensureSandbox(nodes: number): Promise<{ sb: Sandbox; created: boolean }> {
  const name = `bench${nodes}`;
  const existing = await loadSandbox(name, { cwd: REPO });
  if (existing && existing.nodes.length === nodes) {
    const st = await sandboxStatus(name, { cwd: REPO });
    if (st.nodes.every((n) => n.state === 'running' && n.connected)) return { sb: existing, created: false };
  }
  if (existing) await sandboxDown(name, { cwd: REPO });
  log(`starting sandbox ${name} (${nodes} nodes)`);
  const sb = await sandboxUp({ name, nodes, cwd: REPO, packageCache: false, onProgress: (m) => log(m) });
  return { sb, created: true };
}

function check(tool: Tool, phase: string, r: ToolRun): void {
  if (r.exitCode !== 0) {
    const tail = `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`${tool.name} ${phase} exited ${r.exitCode}:\n${tail}`);
  }
  if (r.changed === null) throw new Error(`${tool.name} ${phase}: no recap in its output`);
}

async function measureSize(
  nodes: number,
  reps: number,
): Promise<{ result: SizeResult; created: boolean; sb: Sandbox }> {
  const { sb, created } = await ensureSandbox(nodes);
  await prepareHosts(sb);
  const dir = await workDir(sb);
  await writeAuthkey();
  const tools: Tool[] = [hakitTool(sb.inventoryPath), await ansibleTool(sb, dir)];
  const hostsCpu = await hostsCpuMeter(sb);
  const cpuNow = () => ({ controller: childrenCpuMs(), hosts: hostsCpu() });
  const cpuSince = (m: ReturnType<typeof cpuNow>): CpuUse => {
    const now = cpuNow();
    return {
      controllerMs: now.controller !== null && m.controller !== null ? now.controller - m.controller : null,
      hostsMs: now.hosts !== null && m.hosts !== null ? now.hosts - m.hosts : null,
    };
  };
  const samples: Record<string, Sample[]> = { hakit: [], ansible: [] };
  const stateDiffs: string[] = [];
  const rerunProblems: string[] = [];
  let hakitNoopTasks: Array<{ task: string; ms: number }> = [];
  let w1Tasks = 0;

  // One untimed round per tool first: proves both work here and warms caches (Python bytecode, page cache).
  for (const t of tools) {
    await resetHosts(sb);
    const warm = await t.run();
    check(t, 'warm-up first run', warm);
    if (t.name === 'hakit') w1Tasks = hakitSummary(warm.stdout).tasks.length;
    check(t, 'warm-up rerun', await t.run());
  }

  for (let rep = 1; rep <= reps; rep++) {
    const order = rep % 2 === 1 ? tools : [...tools].reverse();
    const snaps = new Map<string, Map<string, string[]>>();
    for (const t of order) {
      await resetHosts(sb);
      const load = loadavg()[0] ?? 0;
      const m0 = cpuNow();
      const first = await t.run();
      const firstCpu = cpuSince(m0);
      check(t, 'first run', first);
      const snap = await snapshotHosts(sb);
      const problems = snapshotProblems(snap);
      if (problems.length)
        throw new Error(`${t.name}: W1 incomplete after the first run:\n${problems.join('\n')}`);
      snaps.set(t.name, snap);
      const m1 = cpuNow();
      const noop = await t.run();
      const noopCpu = cpuSince(m1);
      check(t, 'rerun', noop);
      if (noop.changed !== 0)
        rerunProblems.push(`rep ${rep}: ${t.name} rerun changed ${noop.changed} task(s)`);
      if (t.name === 'hakit') hakitNoopTasks = hakitSummary(noop.stdout).tasks;
      samples[t.name]?.push({
        rep,
        firstMs: first.ms,
        noopMs: noop.ms,
        load,
        cpu: { first: firstCpu, noop: noopCpu },
      });
      log(
        `${sb.name} rep ${rep} ${t.name}: first ${seconds(first.ms)}, rerun ${seconds(noop.ms)} (load ${load.toFixed(2)})`,
      );
    }
    const diffs = diffSnapshots(snaps.get('hakit') ?? new Map(), snaps.get('ansible') ?? new Map());
    stateDiffs.push(...diffs.map((d) => `rep ${rep}: ${d}`));
  }

  // The floor: what any SSH runner pays on these hosts before doing W1's work. One round stands for a no-op's
  // least (log in, ask once); one round per W1 task for an ordered first run's least (each task changes
  // something, on all hosts, before the next starts), even with every loop's items in one command.
  const floor: Floor[] = [];
  for (const [rounds, what] of [
    [1, 'floor, 1 round'],
    [w1Tasks, `floor, ${w1Tasks} rounds`],
  ] as const) {
    const f: Floor = { rounds, what, medianMs: 0, samples: [], cpu: [] };
    for (let rep = 1; rep <= reps; rep++) {
      const m0 = cpuNow();
      f.samples.push(await floorRun(sb.inventoryPath, rounds));
      f.cpu.push(cpuSince(m0));
    }
    f.medianMs = median(f.samples);
    log(`${sb.name} ${what}: ${seconds(f.medianMs)}`);
    floor.push(f);
  }

  const med = (name: string) => {
    const s = samples[name] ?? [];
    return { firstMs: median(s.map((x) => x.firstMs)), noopMs: median(s.map((x) => x.noopMs)) };
  };
  const m = { hakit: med('hakit'), ansible: med('ansible') };
  return {
    sb,
    created,
    result: {
      hosts: nodes,
      sandbox: sb.name,
      commands: Object.fromEntries(tools.map((t) => [t.name, t.commandLine])),
      samples,
      median: m,
      ratio: { first: m.ansible.firstMs / m.hakit.firstMs, noop: m.ansible.noopMs / m.hakit.noopMs },
      hakitNoopTasks,
      stateIdentical: stateDiffs.length === 0,
      stateDiffs,
      rerunProblems,
      floor,
    },
  };
}

/** Median CPU of some runs: "1.10 s + 2.05 s" (controller + all hosts), or "n/a". */
function cpuText(uses: ReadonlyArray<CpuUse | undefined>): string {
  const ctl = uses.map((c) => c?.controllerMs).filter((v): v is number => typeof v === 'number');
  const hosts = uses.map((c) => c?.hostsMs).filter((v): v is number => typeof v === 'number');
  if (ctl.length === 0 || hosts.length === 0) return 'n/a';
  return `${seconds(median(ctl))} + ${seconds(median(hosts))}`;
}

interface Target {
  what: string;
  met: boolean;
  detail: string;
  /** A figure printed beside the targets (the floor), not a target itself. */
  info?: boolean;
}

export function targets(results: SizeResult[]): Target[] {
  const out: Target[] = [];
  const r3 = results.find((r) => r.hosts === 3);
  const r30 = results.find((r) => r.hosts === 30);
  if (r3) {
    out.push({
      what: 'no-op rerun on 3 hosts ≥ 10× faster than Ansible',
      met: r3.ratio.noop >= 10,
      detail: `${r3.ratio.noop.toFixed(1)}×`,
    });
    out.push({
      what: 'no-op rerun on 3 hosts under 1 s (aim)',
      met: r3.median.hakit!.noopMs < 1000,
      detail: seconds(r3.median.hakit!.noopMs),
    });
    out.push({
      what: 'first run on 3 hosts ≥ 5× faster than Ansible',
      met: r3.ratio.first >= 5,
      detail: `${r3.ratio.first.toFixed(1)}×`,
    });
  }
  if (r3 && r30) {
    for (const k of ['firstMs', 'noopMs'] as const) {
      const f = r30.median.hakit![k] / r3.median.hakit![k];
      out.push({
        what: `hakit ${k === 'firstMs' ? 'first run' : 'no-op rerun'}: 30 hosts within 2× of 3 hosts`,
        met: f <= 2,
        detail: `${f.toFixed(2)}× (${seconds(r30.median.hakit![k])} vs ${seconds(r3.median.hakit![k])})`,
      });
    }
    for (const line of floorRatios(r3, r30))
      out.push({ what: line.what, met: true, detail: line.detail, info: true });
  }
  for (const r of results) {
    out.push({
      what: `no-op reruns report changed=0 (both tools) on ${r.hosts} hosts`,
      met: r.rerunProblems.length === 0,
      detail: r.rerunProblems.length === 0 ? 'yes' : r.rerunProblems.slice(0, 3).join('; '),
    });
    out.push({
      what: `identical end state (hakit vs Ansible) on ${r.hosts} hosts`,
      met: r.stateIdentical,
      detail: r.stateIdentical ? 'yes' : `${r.stateDiffs.length} differences`,
    });
  }
  return out;
}

function machine() {
  const version = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8' }).split('\n')[0]?.trim() ?? '';
    } catch {
      return 'unknown';
    }
  };
  let os = 'unknown';
  try {
    os = execFileSync('sh', ['-c', '. /etc/os-release && echo "$PRETTY_NAME"'], { encoding: 'utf8' }).trim();
  } catch {}
  return {
    os,
    cpus: cpus().length,
    memGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    ansible: version('ansible-playbook', ['--version']),
  };
}

async function main(): Promise<number> {
  const o = parseArgs(process.argv.slice(2));
  if (o.workload === 'b1') return runB1({ reps: o.reps, down: o.down }, benchCommand());
  if (o.workload === 'd1') return runD1({ reps: o.reps, down: o.down });
  const started = new Date();
  const loadBefore = loadavg();
  const results: SizeResult[] = [];
  const created: Sandbox[] = [];
  try {
    for (const n of [...o.sizes].sort((a, b) => a - b)) {
      const r = await measureSize(n, o.reps);
      if (r.created) created.push(r.sb);
      results.push(r.result);
    }
  } finally {
    if (o.down) for (const sb of created) await sandboxDown(sb.name, { cwd: REPO });
  }

  const rows = [
    [
      'hosts',
      'phase',
      'hakit (median)',
      'Ansible (median)',
      'Ansible/hakit',
      'hakit CPU: controller + hosts',
    ],
  ];
  for (const r of results) {
    for (const [phase, k] of [
      ['first run', 'firstMs'],
      ['no-op rerun', 'noopMs'],
    ] as const) {
      const h = r.median.hakit![k];
      const a = r.median.ansible![k];
      rows.push([
        String(r.hosts),
        phase,
        seconds(h),
        seconds(a),
        `${(a / h).toFixed(1)}×`,
        cpuText((r.samples.hakit ?? []).map((x) => x.cpu?.[k === 'firstMs' ? 'first' : 'noop'])),
      ]);
    }
    for (const f of r.floor)
      rows.push([String(r.hosts), f.what, seconds(f.medianMs), '', '', cpuText(f.cpu)]);
  }
  const ts = targets(results);
  const out: string[] = [];
  out.push(`W1 benchmark: median of ${o.reps} runs (wall clock of the whole process, startup included)`);
  out.push('');
  out.push(table(rows));
  out.push(
    "floor: bench/floor.ts logs in to every host with hakit's connector, then runs rounds of `true` on all hosts, one\n" +
      'round after the other: 1 round is the least a no-op can do, 1 round per W1 task the least an ordered first run can.',
  );
  out.push('');
  for (const t of ts) out.push(`${t.info ? 'INFO  ' : t.met ? 'MET   ' : 'MISSED'}  ${t.what}: ${t.detail}`);
  for (const r of results)
    for (const d of r.stateDiffs.slice(0, 10)) out.push(`  state difference (${r.hosts} hosts) ${d}`);
  const loadAfter = loadavg();
  out.push('');
  out.push(
    `load average before ${loadBefore.map((x) => x.toFixed(2)).join(' ')}, after ${loadAfter.map((x) => x.toFixed(2)).join(' ')}`,
  );

  const resultsDir = join(REPO, 'bench', 'results');
  await mkdir(resultsDir, { recursive: true });
  const file = join(resultsDir, `${started.toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(
    file,
    `${JSON.stringify(
      {
        workload: 'W1',
        started: started.toISOString(),
        command: benchCommand(),
        reps: o.reps,
        machine: machine(),
        load: { before: loadBefore, after: loadAfter },
        results,
        targets: ts,
      },
      null,
      2,
    )}\n`,
  );
  out.push(`results: ${file}`);
  process.stdout.write(`${out.join('\n')}\n`);
  if (results.some((r) => !r.stateIdentical || r.rerunProblems.length > 0)) return 1;
  return ts.every((t) => t.met) ? 0 : 3;
}

/** How this bench was started, as an npm command line (for the results file). */
function benchCommand(): string {
  return ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ');
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
