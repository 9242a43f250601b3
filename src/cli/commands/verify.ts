import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Command, Option } from 'commander';
import { HEALTH_CHECKS } from '../../components/health-checks.js';
import { DRILLS } from '../../drills/catalog.js';
import {
  DRILL_REFUSED_EXIT,
  type DrillRunOptions,
  type DrillSpec,
  drillTargets,
  type HostExec,
  openSql,
  runDrills,
  type SqlSession,
  sandboxFaults,
  selectDrills,
  sshFaults,
} from '../../drills/index.js';
import { EnvironmentError, formatDiagnostic, HakitError } from '../../errors/index.js';
import { packageManagerFact } from '../../facts/package-manager.js';
import { clusterNodes } from '../../inventory/index.js';
import { loadInventory } from '../../inventory/load.js';
import type { OutputMode, Writable } from '../../output/index.js';
import { loadSandboxAt } from '../../sandbox/index.js';
import { openSession, packageRoot } from '../../session/index.js';
import {
  applicableChecks,
  buildReport,
  type DrillResult,
  type ProbeExec,
  runChecks,
  writeReports,
} from '../../verify/index.js';

export interface VerifyCommandOptions {
  inventory: string;
  reportDir?: string;
  output?: OutputMode;
  acceptNewHostKeys?: boolean;
  /** Failover drills to run after the health checks: comma-separated ids or `all`. */
  drills?: string;
  /** Allow drills hakit cannot undo on real hosts (a hard reset). */
  destructive?: boolean;
  out?: Writable;
  signal?: AbortSignal;
}

const DRILL_IDS = DRILLS.map((d) => d.id).join(', ');

function hakitVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string })
      .version;
  } catch {
    return 'unknown';
  }
}

/**
 * Runs every health check that applies to the inventory against its hosts (read-only: nothing is changed, no
 * lock is taken), prints each result, writes the reports with `reportDir`, and returns the exit code: 0 every
 * check passed (warnings allowed), 7 a check or drill failed (an unreachable host fails the checks that read
 * it), 8 drills refused before injecting anything (the cluster was not healthy), 130 interrupted (the fault of
 * the drill running is healed first). A bad inventory, option or drill name is an InputError (exit 2).
 */
export async function verifyCommand(o: VerifyCommandOptions): Promise<number> {
  const started = Date.now();
  const loaded = await loadInventory(o.inventory);
  const inv = loaded.inventory;
  // Drills are checked before any host is contacted: unknown names, Galera drills without Galera.
  let drills: DrillSpec[] = [];
  let targets: ReturnType<typeof drillTargets> | undefined;
  if (o.drills !== undefined) {
    const t = { value: undefined as ReturnType<typeof drillTargets> | undefined };
    drills = selectDrills(o.drills, () => {
      t.value = drillTargets(inv);
      return t.value;
    });
    targets = t.value;
    if (targets?.galera && spawnSync('mariadb', ['--version'], { encoding: 'utf8' }).status !== 0)
      throw new EnvironmentError(
        'the drills write rows through the VIP with the mariadb client, which is not installed here (Debian: apt-get install mariadb-client); nothing was injected',
      );
  }
  const session = openSession(loaded, {
    ...(o.output ? { output: o.output } : {}),
    ...(o.out ? { out: o.out } : {}),
    ...(o.acceptNewHostKeys ? { acceptNewHostKeys: true } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  const emit = session.renderer.emit.bind(session.renderer);
  try {
    const checks = applicableChecks(inv, HEALTH_CHECKS);
    const hosts = inv.nodes.map((n) => n.name);
    emit({
      type: 'verify.start',
      at: Date.now(),
      inventory: o.inventory,
      cluster: inv.cluster.name,
      hosts,
      checks: checks.length,
    });
    for (const w of loaded.warnings)
      emit({ type: 'log', at: Date.now(), level: 'warn', message: formatDiagnostic(w) });
    // One connection attempt per host: an unreachable host fails every read on it at once.
    const unreachable = new Map<string, string>();
    await Promise.all(
      hosts.map(async (h) => {
        try {
          await session.connector(h).connect();
        } catch (err) {
          const why = session.masker.mask(err instanceof Error ? err.message : String(err));
          unreachable.set(h, why);
          emit({ type: 'log', at: Date.now(), level: 'error', host: h, message: `unreachable: ${why}` });
        }
      }),
    );
    const exec: ProbeExec = async (host, command, opts) => {
      const why = unreachable.get(host);
      if (why !== undefined) throw new Error(`unreachable: ${why}`);
      if (session.signal.aborted) throw new Error('interrupted (Ctrl-C)');
      const startedAt = Date.now();
      const r = await session.connector(host).exec(command, opts);
      return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode, startedAt, endedAt: Date.now() };
    };
    // The desired state depends on each member's file layout (its package manager).
    const facts = new Map<string, Record<string, unknown>>();
    await Promise.all(
      clusterNodes(inv).map(async (n) => {
        try {
          const out = await exec(n.name, packageManagerFact.command(), { become: false, timeoutMs: 30_000 });
          facts.set(n.name, { package_manager: packageManagerFact.parse(out.stdout, out.exitCode ?? -1) });
        } catch {
          // unreachable: the checks reading this host say so
        }
      }),
    );
    const desiredFile = (host: string, id: string) => {
      const f = facts.get(host);
      if (!f) return undefined;
      const file = session.desired(host, f).files.find((x) => x.id === id);
      return file?.content;
    };
    const results = await runChecks({
      inv,
      checks,
      exec,
      desiredFile,
      mask: (t) => session.masker.mask(t),
      onResult: (result) => emit({ type: 'verify.check', at: Date.now(), result }),
    });
    let drillResults: DrillResult[] = [];
    let refused = false;
    if (targets && drills.length && !session.signal.aborted) {
      const failedChecks = results.filter((r) => r.status === 'fail');
      if (failedChecks.length) {
        refused = true;
        emit({
          type: 'log',
          at: Date.now(),
          level: 'error',
          message: `drills refused: ${failedChecks.length} health check(s) failed (${failedChecks.map((r) => r.id).join(', ')}); a drill starts only on a healthy cluster. Nothing was injected.`,
        });
      } else {
        const run = await runDrillSuite({
          session,
          inventoryPath: o.inventory,
          targets,
          drills,
          destructive: o.destructive === true,
          settings: inv.verify,
          health: () =>
            runChecks({
              inv,
              checks,
              exec: drillProbeExec(session),
              desiredFile,
              mask: (t) => session.masker.mask(t),
            }),
        });
        drillResults = run.results;
        refused = run.refused;
        if (run.stoppedEarly)
          emit({
            type: 'log',
            at: Date.now(),
            level: 'error',
            message: `drills stopped: ${run.stoppedEarly}`,
          });
      }
    }
    const report = buildReport({
      inv,
      inventory: o.inventory,
      version: hakitVersion(),
      startedAt: started,
      endedAt: Date.now(),
      checks: results,
      drills: drillResults,
    });
    const reports = o.reportDir ? await writeReports(o.reportDir, report) : undefined;
    const exitCode = session.signal.aborted ? 130 : refused ? DRILL_REFUSED_EXIT : report.summary.exitCode;
    emit({
      type: 'verify.end',
      at: Date.now(),
      durationMs: Date.now() - started,
      passed: report.summary.checks.passed,
      failed: report.summary.checks.failed,
      warned: report.summary.checks.warned,
      ...(drillResults.length
        ? { drills: { passed: report.summary.drills.passed, failed: report.summary.drills.failed } }
        : {}),
      exitCode,
      ...(reports ? { reports } : {}),
    });
    return exitCode;
  } finally {
    await session.close();
  }
}

type Session = ReturnType<typeof openSession>;

/** Commands of the drills: as root, reconnecting after a node came back; never throws for a host. */
function drillHostExec(session: Session): HostExec {
  return async (host, command, opts = {}) => {
    const c = session.connector(host);
    try {
      const r = await c.exec(command, {
        become: true,
        timeoutMs: opts.timeoutMs ?? 30_000,
        ...(opts.stdin !== undefined ? { stdin: opts.stdin } : {}),
      });
      // A command that timed out may sit on a connection to a node that died: the next one reconnects.
      if (r.exitCode === null) await c.close().catch(() => undefined);
      return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
    } catch (err) {
      await c.close().catch(() => undefined);
      return {
        exitCode: null,
        unreachable: true,
        stdout: '',
        stderr: err instanceof Error ? err.message : String(err),
      };
    }
  };
}

/** The health checks' reads during drills (a node that went away and came back is reconnected). */
function drillProbeExec(session: Session): ProbeExec {
  const exec = drillHostExec(session);
  return async (host, command, opts) => {
    const startedAt = Date.now();
    const r = await exec(host, command, { timeoutMs: opts.timeoutMs });
    if (r.unreachable) throw new Error(`unreachable: ${session.masker.mask(r.stderr)}`);
    return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode, startedAt, endedAt: Date.now() };
  };
}

/**
 * The fault backend: the sandbox's (Docker) when the inventory is a sandbox's generated one (its sandbox.json
 * beside it, naming the same nodes), else SSH.
 */
async function faultBackend(session: Session, inventoryPath: string, exec: HostExec) {
  const sb = await loadSandboxAt(dirname(inventoryPath)).catch(() => null);
  const names = session.inventory.nodes.map((n) => n.name).sort();
  if (sb && JSON.stringify(sb.nodes.map((n) => n.name).sort()) === JSON.stringify(names))
    return sandboxFaults(sb);
  return sshFaults(exec, { signal: session.signal });
}

async function runDrillSuite(o: {
  session: Session;
  inventoryPath: string;
  targets: NonNullable<ReturnType<typeof drillTargets>>;
  drills: DrillSpec[];
  destructive: boolean;
  settings: DrillRunOptions['settings'];
  health: DrillRunOptions['health'];
}): Promise<{ results: DrillResult[]; stoppedEarly: string | null; refused: boolean }> {
  const { session } = o;
  const emit = session.renderer.emit.bind(session.renderer);
  const exec = drillHostExec(session);
  const backend = await faultBackend(session, o.inventoryPath, exec);
  let sql: SqlSession | null = null;
  try {
    if (o.targets.galera) {
      const g = o.targets.galera;
      sql = await openSql(exec, {
        host: o.targets.vip.ip,
        port: g.port,
        admin: g.writeNode,
        members: g.members,
      });
      session.masker.add(sql.password);
    }
    const r = await runDrills(o.drills, {
      targets: o.targets,
      exec,
      backend,
      health: o.health,
      sql,
      settings: o.settings,
      destructive: o.destructive,
      signal: session.signal,
      emit,
      runId: `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`,
      mask: (t) => session.masker.mask(t),
    });
    return { ...r, refused: false };
  } catch (err) {
    if (err instanceof HakitError && err.exitCode === DRILL_REFUSED_EXIT) {
      emit({ type: 'log', at: Date.now(), level: 'error', message: session.masker.mask(err.message) });
      return { results: [], stoppedEarly: null, refused: true };
    }
    throw err;
  } finally {
    await sql?.close();
  }
}

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description(
      'Check a deployed cluster against its inventory: membership, quorum, links, CIB drift, fencing, resources, VIP, Galera, HAProxy, time (read-only). Exit 0 all passed, 7 a check failed',
    )
    .requiredOption('-i, --inventory <file>', 'inventory file')
    .option('--report-dir <dir>', 'write report.json, junit.xml and report.html there')
    .addOption(
      new Option('-o, --output <mode>', 'tty, plain (timestamped lines) or json (JSON lines)').choices([
        'tty',
        'plain',
        'json',
      ]),
    )
    .option(
      '--accept-new-host-keys',
      'trust and record host keys seen for the first time (a changed key is still refused)',
    )
    .option(
      '--drills <list>',
      `failover drills after the health checks, comma-separated or all (${DRILL_IDS}); exit 8 when refused (cluster not healthy)`,
    )
    .option('--destructive', 'allow drills hakit cannot undo on real hosts (a hard reset through sysrq)')
    .action(
      async (c: {
        inventory: string;
        reportDir?: string;
        output?: OutputMode;
        acceptNewHostKeys?: boolean;
        drills?: string;
        destructive?: boolean;
      }) => {
        process.exitCode = await verifyCommand({
          inventory: c.inventory,
          ...(c.reportDir ? { reportDir: c.reportDir } : {}),
          ...(c.output ? { output: c.output } : {}),
          ...(c.acceptNewHostKeys ? { acceptNewHostKeys: true } : {}),
          ...(c.drills !== undefined ? { drills: c.drills } : {}),
          ...(c.destructive ? { destructive: true } : {}),
        });
      },
    );
}
