import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Command, Option } from 'commander';
import { HEALTH_CHECKS } from '../../components/health-checks.js';
import { formatDiagnostic, InputError } from '../../errors/index.js';
import { packageManagerFact } from '../../facts/package-manager.js';
import { clusterNodes } from '../../inventory/index.js';
import { loadInventory } from '../../inventory/load.js';
import type { OutputMode, Writable } from '../../output/index.js';
import { openSession, packageRoot } from '../../session/index.js';
import {
  applicableChecks,
  buildReport,
  type ProbeExec,
  runChecks,
  writeReports,
} from '../../verify/index.js';

export interface VerifyCommandOptions {
  inventory: string;
  reportDir?: string;
  output?: OutputMode;
  acceptNewHostKeys?: boolean;
  /** Drills are not built yet: any value is refused (exit 2) before a host is contacted. */
  drills?: string;
  out?: Writable;
  signal?: AbortSignal;
}

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
 * check passed (warnings allowed), 7 a check failed (an unreachable host fails the checks that read it),
 * 130 interrupted. A bad inventory or option is an InputError (exit 2).
 */
export async function verifyCommand(o: VerifyCommandOptions): Promise<number> {
  if (o.drills !== undefined)
    throw new InputError(
      `--drills ${o.drills}: this version of hakit has no drill yet (only the health checks); nothing was injected. Run hakit verify without --drills.`,
    );
  const started = Date.now();
  const loaded = await loadInventory(o.inventory);
  const inv = loaded.inventory;
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
    const report = buildReport({
      inv,
      inventory: o.inventory,
      version: hakitVersion(),
      startedAt: started,
      endedAt: Date.now(),
      checks: results,
    });
    const reports = o.reportDir ? await writeReports(o.reportDir, report) : undefined;
    const exitCode = session.signal.aborted ? 130 : report.summary.exitCode;
    emit({
      type: 'verify.end',
      at: Date.now(),
      durationMs: Date.now() - started,
      passed: report.summary.checks.passed,
      failed: report.summary.checks.failed,
      warned: report.summary.checks.warned,
      exitCode,
      ...(reports ? { reports } : {}),
    });
    return exitCode;
  } finally {
    await session.close();
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
    .option('--drills <list>', 'failover drills: none exists yet in this version (refused, exit 2)')
    .action(
      async (c: {
        inventory: string;
        reportDir?: string;
        output?: OutputMode;
        acceptNewHostKeys?: boolean;
        drills?: string;
      }) => {
        process.exitCode = await verifyCommand({
          inventory: c.inventory,
          ...(c.reportDir ? { reportDir: c.reportDir } : {}),
          ...(c.output ? { output: c.output } : {}),
          ...(c.acceptNewHostKeys ? { acceptNewHostKeys: true } : {}),
          ...(c.drills !== undefined ? { drills: c.drills } : {}),
        });
      },
    );
}
