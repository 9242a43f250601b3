/**
 * Benchmark B1 (issue #9): `hakit bootstrap` of a 3-node cluster on the sandbox, fresh hosts every repetition.
 *
 *   npm run bench -- --workload b1 [--reps 5] [--down]
 *
 * Per repetition: the sandbox `bench-b1` is created anew (untimed: new containers from the package-cache image,
 * new keys, new secrets), then (c) the full bootstrap is timed and split from its own JSON events into (a) the
 * tasks that install packages and (b) everything else, then (d) the no-op rerun is timed; it must report changed=0
 * and failed=0 on every host, else the bench fails; then (e) a Galera rolling restart of the 3 members is timed
 * (`hakit galera restart`: each member drained from HAProxy, restarted, Synced, back in HAProxy, in turn). Prints medians, where the time goes, and the targets; writes
 * bench/results/<ts>.json. Exit: 0 targets met, 3 a target missed, 1 an error (a failed run, a rerun that changed).
 */

import { loadavg } from 'node:os';
import { join } from 'node:path';
import { registryOps } from '../../src/executor/registries.js';
import { loadPlaybook } from '../../src/playbook/load.js';
import { loadSandbox, type Sandbox, sandboxDown, sandboxUp } from '../../src/sandbox/index.js';
import { childrenCpuMs, hostsCpuMeter } from '../hosts.js';
import { median, seconds, table } from '../stats.js';
import { REPO, timed } from '../tools.js';
import {
  type B1Target,
  type BootstrapSplit,
  b1Targets,
  medianTimeline,
  noopProblem,
  parseEvents,
  type Segment,
  splitBootstrap,
  taskKey,
  timeline,
} from './split.js';

export const B1_SANDBOX = 'bench-b1';
const NODES = 3;
/** Operations that install packages (or the repositories they come from): B1's phase (a). */
export const PACKAGE_OPS = new Set(['package', 'ha_repository']);

export interface B1Options {
  reps: number;
  down: boolean;
}

interface CpuUse {
  controllerMs: number | null;
  hostsMs: number | null;
}

export interface B1Sample extends BootstrapSplit {
  rep: number;
  noopMs: number;
  /** (e) `hakit galera restart` of the 3 members, after the no-op rerun. */
  restartMs: number;
  /** 1-minute load average just before the bootstrap and just before the no-op rerun. */
  load: { bootstrap: number; noop: number };
  cpu: { bootstrap: CpuUse; noop: CpuUse };
  /** Wall time of creating the fresh hosts (not part of any figure). */
  freshHostsMs: number;
  restTimeline: Segment[];
  noopTimeline: Segment[];
}

const log = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

/** The tasks of playbooks/site.yaml (all imported plays) whose operation installs packages, as `taskKey`s. */
export async function packageTaskKeys(playbook: string): Promise<Set<string>> {
  const pb = await loadPlaybook(playbook, registryOps);
  const keys = new Set<string>();
  for (const play of pb.plays)
    for (const t of [...play.tasks, ...play.handlers])
      if (PACKAGE_OPS.has(t.op)) keys.add(taskKey(play.name, t.name));
  return keys;
}

/** New hosts for a repetition: the bench's sandbox removed (if it exists) and created again. */
async function freshHosts(): Promise<{ sb: Sandbox; ms: number }> {
  const t0 = performance.now();
  if (await loadSandbox(B1_SANDBOX, { cwd: REPO })) await sandboxDown(B1_SANDBOX, { cwd: REPO });
  const sb = await sandboxUp({ name: B1_SANDBOX, nodes: NODES, cwd: REPO, onProgress: (m) => log(m) });
  return { sb, ms: performance.now() - t0 };
}

function galeraRestartArgs(inventory: string): string[] {
  return [join(REPO, 'bin', 'hakit.js'), 'galera', 'restart', '-i', inventory, '--output', 'json'];
}

function bootstrapArgs(inventory: string): string[] {
  return [join(REPO, 'bin', 'hakit.js'), 'bootstrap', '-i', inventory, '--output', 'json'];
}

async function hakitBootstrap(inventory: string) {
  const r = await timed(process.execPath, bootstrapArgs(inventory), { ...process.env }, REPO);
  return { ...r, events: parseEvents(r.stdout) };
}

function failure(what: string, r: { exitCode: number | null; stdout: string; stderr: string }): Error {
  const lines = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => /"failed"|error/i.test(l));
  return new Error(`${what} exited ${r.exitCode}:\n${lines.slice(-10).join('\n')}\n${r.stderr.slice(-1500)}`);
}

export async function runB1(o: B1Options, command: string): Promise<number> {
  const started = new Date();
  const loadBefore = loadavg();
  const siteYaml = join(REPO, 'playbooks', 'site.yaml');
  const pkgTasks = await packageTaskKeys(siteYaml);
  const samples: B1Sample[] = [];
  const noopProblems: string[] = [];
  let sb: Sandbox | undefined;
  try {
    for (let rep = 1; rep <= o.reps; rep++) {
      const fresh = await freshHosts();
      sb = fresh.sb;
      const hostsCpu = await hostsCpuMeter(sb);
      const cpuNow = () => ({ controller: childrenCpuMs(), hosts: hostsCpu() });
      const cpuSince = (m: ReturnType<typeof cpuNow>): CpuUse => {
        const now = cpuNow();
        return {
          controllerMs:
            now.controller !== null && m.controller !== null ? now.controller - m.controller : null,
          hostsMs: now.hosts !== null && m.hosts !== null ? now.hosts - m.hosts : null,
        };
      };

      const loadBoot = loadavg()[0] ?? 0;
      const m0 = cpuNow();
      const boot = await hakitBootstrap(sb.inventoryPath);
      const bootCpu = cpuSince(m0);
      if (boot.exitCode !== 0) throw failure(`rep ${rep}: bootstrap`, boot);
      const split = splitBootstrap(boot.events, boot.ms, pkgTasks);
      const bootTimeline = timeline(boot.events, boot.ms);

      const loadNoop = loadavg()[0] ?? 0;
      const m1 = cpuNow();
      const noop = await hakitBootstrap(sb.inventoryPath);
      const noopCpu = cpuSince(m1);
      if (noop.exitCode !== 0) throw failure(`rep ${rep}: no-op rerun`, noop);
      const problem = noopProblem(noop.events);
      if (problem) noopProblems.push(`rep ${rep}: ${problem}`);

      const restart = await timed(
        process.execPath,
        galeraRestartArgs(sb.inventoryPath),
        { ...process.env },
        REPO,
      );
      if (restart.exitCode !== 0) throw failure(`rep ${rep}: galera restart`, restart);

      samples.push({
        rep,
        ...split,
        noopMs: noop.ms,
        restartMs: restart.ms,
        load: { bootstrap: loadBoot, noop: loadNoop },
        cpu: { bootstrap: bootCpu, noop: noopCpu },
        freshHostsMs: fresh.ms,
        restTimeline: bootTimeline.filter((s) => !split.packageTasks.some((t) => s.what.endsWith(`: ${t}`))),
        noopTimeline: timeline(noop.events, noop.ms),
      });
      log(
        `rep ${rep}: package install ${seconds(split.packageMs)}, rest ${seconds(split.restMs)}, ` +
          `full ${seconds(split.totalMs)} (load ${loadBoot.toFixed(2)}); no-op ${seconds(noop.ms)} ` +
          `(load ${loadNoop.toFixed(2)})${problem ? ` NOT A NO-OP: ${problem}` : ''}; galera restart ${seconds(restart.ms)}`,
      );
    }
  } finally {
    if (o.down && sb) await sandboxDown(sb.name, { cwd: REPO });
  }

  const med = {
    packageMs: median(samples.map((s) => s.packageMs)),
    restMs: median(samples.map((s) => s.restMs)),
    totalMs: median(samples.map((s) => s.totalMs)),
    noopMs: median(samples.map((s) => s.noopMs)),
    restartMs: median(samples.map((s) => s.restartMs)),
  };
  const targets = b1Targets(med, noopProblems);
  const loadAfter = loadavg();
  const out = report(o.reps, samples, med, targets, loadBefore, loadAfter);

  const { mkdir, writeFile } = await import('node:fs/promises');
  const resultsDir = join(REPO, 'bench', 'results');
  await mkdir(resultsDir, { recursive: true });
  const file = join(resultsDir, `${started.toISOString().replace(/[:.]/g, '-')}-b1.json`);
  await writeFile(
    file,
    `${JSON.stringify(
      {
        workload: 'B1',
        started: started.toISOString(),
        command,
        hakitCommand: `node ${bootstrapArgs(`.hakit/sandbox/${B1_SANDBOX}/inventory.yaml`).join(' ')}`,
        reps: o.reps,
        packageTasks: [...pkgTasks].map((k) => k.replace('\u0000', ' / ')),
        load: { before: loadBefore, after: loadAfter },
        median: med,
        samples,
        noopProblems,
        targets,
      },
      null,
      2,
    )}\n`,
  );
  out.push(`results: ${file}`);
  process.stdout.write(`${out.join('\n')}\n`);
  if (noopProblems.length) return 1;
  return targets.every((t) => t.met) ? 0 : 3;
}

function cpuText(uses: readonly CpuUse[]): string {
  const ctl = uses.map((c) => c.controllerMs).filter((v): v is number => typeof v === 'number');
  const hosts = uses.map((c) => c.hostsMs).filter((v): v is number => typeof v === 'number');
  if (ctl.length === 0 || hosts.length === 0) return 'n/a';
  return `${seconds(median(ctl))} + ${seconds(median(hosts))}`;
}

/** The printed report: medians, every sample, where (b) and (d) spend their time, the targets. */
export function report(
  reps: number,
  samples: readonly B1Sample[],
  med: { packageMs: number; restMs: number; totalMs: number; noopMs: number; restartMs: number },
  targets: readonly B1Target[],
  loadBefore: readonly number[],
  loadAfter: readonly number[],
): string[] {
  const range = (xs: number[]) => [seconds(Math.min(...xs)), seconds(Math.max(...xs))];
  const col = (k: 'packageMs' | 'restMs' | 'totalMs' | 'noopMs' | 'restartMs') => samples.map((s) => s[k]);
  const rows = [
    ['phase', 'median', 'min', 'max', 'hakit CPU: controller + hosts'],
    ['(a) package install', seconds(med.packageMs), ...range(col('packageMs')), ''],
    ['(b) everything but package install', seconds(med.restMs), ...range(col('restMs')), ''],
    [
      '(c) full bootstrap = (a) + (b)',
      seconds(med.totalMs),
      ...range(col('totalMs')),
      cpuText(samples.map((s) => s.cpu.bootstrap)),
    ],
    [
      '(d) no-op rerun',
      seconds(med.noopMs),
      ...range(col('noopMs')),
      cpuText(samples.map((s) => s.cpu.noop)),
    ],
    ['(e) Galera rolling restart, 3 members', seconds(med.restartMs), ...range(col('restartMs')), ''],
  ];
  const perRep = [
    ['rep', '(a)', '(b)', '(c)', '(d)', '(e)', 'load before (c)', 'load before (d)'],
    ...samples.map((s) => [
      String(s.rep),
      seconds(s.packageMs),
      seconds(s.restMs),
      seconds(s.totalMs),
      seconds(s.noopMs),
      seconds(s.restartMs),
      s.load.bootstrap.toFixed(2),
      s.load.noop.toFixed(2),
    ]),
  ];
  const segRows = (segs: Segment[], limit: number) => {
    const top = [...segs].sort((a, b) => b.ms - a.ms).slice(0, limit);
    return segs.filter((s) => top.includes(s)).map((s) => [s.what, seconds(s.ms)]);
  };
  const out: string[] = [];
  out.push(
    `B1 benchmark: hakit bootstrap, 3-node sandbox, fresh hosts every repetition; median of ${reps} ` +
      '(wall clock of the whole process, startup included)',
  );
  out.push('');
  out.push(table(rows));
  out.push(
    '(a): the tasks that install packages, task start to task end; (b) = (c) − (a), from the same run.',
  );
  out.push('');
  out.push(table(perRep));
  out.push('');
  out.push(`(b) where the time goes (median over the repetitions; the 12 largest parts, in run order):`);
  out.push(table([['part', 'median'], ...segRows(medianTimeline(samples.map((s) => s.restTimeline)), 12)]));
  out.push('');
  out.push('(d) where the no-op rerun time goes (median over the repetitions, in run order):');
  out.push(table([['part', 'median'], ...segRows(medianTimeline(samples.map((s) => s.noopTimeline)), 99)]));
  out.push('');
  for (const t of targets) out.push(`${t.met ? 'MET   ' : 'MISSED'}  ${t.what}: ${t.detail}`);
  out.push('');
  out.push(
    `load average before ${loadBefore.map((x) => x.toFixed(2)).join(' ')}, after ${loadAfter.map((x) => x.toFixed(2)).join(' ')}`,
  );
  return out;
}
