/**
 * Where hakit's W1 time goes: runs the engine in-process (as `hakit run` wires it) with connectors that count
 * and time every round trip, and reports module loading, preflight, and per-host exec/put/fact-gather counts
 * for a first run and a no-op rerun. Diagnostic only (not part of `npm run bench`'s figures).
 *
 *   node dist/bench/profile.js [--hosts 3]     (uses the sandbox bench<N> that `npm run bench` started)
 *   node dist/bench/profile.js --bootstrap [--sandbox bench-b1]
 *       B1: `hakit bootstrap` in-process (the CLI's own code path) twice on a sandbox, normally one the B1 bench
 *       left bootstrapped: every command each host ran, in order, with its duration and, for fact gathers,
 *       the facts it read; the second run is then the no-op rerun.
 */

import { join } from 'node:path';
import { sitePlaybookPath } from '../src/cli/commands/bootstrap.js';
import { runPlaybookCommand } from '../src/cli/commands/run.js';
import { SshConnector } from '../src/connect/ssh-connector.js';
import type { Connector, ExecOptions } from '../src/connect/types.js';
import type { HakitEvent } from '../src/events/types.js';
import { runPlaybook } from '../src/executor/engine.js';
import { BASE_FACTS, registryFacts, registryOps } from '../src/executor/registries.js';
import { loadInventory } from '../src/inventory/load.js';
import { loadPlaybook } from '../src/playbook/load.js';
import { createTemplateEnv } from '../src/render/handlebars-env.js';
import { loadSandbox } from '../src/sandbox/index.js';
import { openSession } from '../src/session/index.js';
import { resetHosts } from './hosts.js';
import { median } from './stats.js';
import { REPO, timed, W1_DIR, writeAuthkey } from './tools.js';

interface Counts {
  exec: number;
  execMs: number;
  put: number;
  putMs: number;
}

/** Wraps a connector: counts and times exec/putFile. */
function counting(c: Connector, n: Counts): Connector {
  return {
    host: c.host,
    ...(c.posixShell ? { posixShell: true } : {}),
    ...(c.loginUser ? { loginUser: c.loginUser } : {}),
    connect: () => c.connect(),
    async exec(command: string, opts?: ExecOptions) {
      const t0 = performance.now();
      try {
        return await c.exec(command, opts);
      } finally {
        n.exec++;
        n.execMs += performance.now() - t0;
      }
    },
    async putFile(path, data, mode) {
      const t0 = performance.now();
      try {
        return await c.putFile(path, data, mode);
      } finally {
        n.put++;
        n.putMs += performance.now() - t0;
      }
    },
    getFile: (p) => c.getFile(p),
    close: () => c.close(),
  };
}

async function runOnce(inventory: string, label: string) {
  const loaded = await loadInventory(inventory);
  const playbook = await loadPlaybook(join(W1_DIR, 'w1.yaml'), registryOps);
  // The same session `hakit run` opens (targets, one connection per host, masker); its connectors are counted.
  const session = openSession(loaded);
  const { masker, universe } = session;
  const counts = new Map<string, Counts>();
  const conns = new Map<string, Connector>();
  const events: HakitEvent[] = [];
  let gathers = 0;
  for (const node of loaded.inventory.nodes) {
    const n: Counts = { exec: 0, execMs: 0, put: 0, putMs: 0 };
    counts.set(node.name, n);
    conns.set(node.name, counting(session.connector(node.name), n));
  }
  const t0 = performance.now();
  const r = await runPlaybook({
    playbook,
    hosts: universe,
    vars: { inventory: loaded.inventory, cluster: loaded.inventory.cluster, nodes: universe.nodes },
    connector: (h) => conns.get(h) as Connector,
    ops: registryOps,
    facts: {
      command: (reqs) => {
        gathers++;
        return registryFacts.command(reqs);
      },
      parse: (reqs, out) => registryFacts.parse(reqs, out),
      needsBecome: (reqs) => registryFacts.needsBecome(reqs),
    },
    baseFacts: BASE_FACTS,
    templates: createTemplateEnv(),
    templatesDirs: [join(W1_DIR, 'templates')],
    events: { emit: (e) => events.push(e) },
    masker,
  });
  const totalMs = performance.now() - t0;
  await session.close();
  const preflightEnd = events.find((e) => e.type === 'play.start')?.at ?? 0;
  const runStart = events.find((e) => e.type === 'run.start')?.at ?? 0;
  const list = [...counts.values()];
  const avg = (f: (c: Counts) => number) => list.reduce((s, c) => s + f(c), 0) / list.length;
  const changed = Object.values(r.recap).reduce((s, x) => s + x.changed, 0);
  process.stdout.write(
    `${label}: exit ${r.exitCode}, changed ${changed}, engine ${totalMs.toFixed(0)} ms (preflight ${preflightEnd - runStart} ms); ` +
      `per host: ${(gathers / list.length).toFixed(1)} fact gathers among ${avg((c) => c.exec).toFixed(1)} execs (avg ${(
        avg((c) => c.execMs) /
          Math.max(
            1,
            avg((c) => c.exec),
          )
      ).toFixed(1)} ms each), ` +
      `${avg((c) => c.put).toFixed(1)} SFTP puts (avg ${(
        avg((c) => c.putMs) /
          Math.max(
            1,
            avg((c) => c.put),
          )
      ).toFixed(1)} ms each)\n`,
  );
}

/** Wall time of a fresh `node` importing `module` (median of 5): the CLI's startup cost before any SSH. */
async function importCost(module: string | null): Promise<number> {
  const code = module ? `await import(${JSON.stringify(join(REPO, module))})` : '0';
  const ms: number[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await timed(process.execPath, ['--input-type=module', '-e', code], process.env, REPO);
    if (r.exitCode !== 0) throw new Error(`importing ${module} failed: ${r.stderr}`);
    ms.push(r.ms);
  }
  return median(ms);
}

/** One command a host ran during a bootstrap (see `bootstrapOnce`). */
interface Exec {
  host: string;
  startMs: number;
  ms: number;
  what: string;
}

/**
 * `hakit bootstrap` in-process, exactly as the CLI runs it, with SshConnector's exec and connect timed and fact
 * gathers named by the facts they read (from the facts registry the engine uses).
 */
async function bootstrapOnce(inventory: string, label: string): Promise<void> {
  const execs: Exec[] = [];
  const t0 = performance.now();
  const proto = SshConnector.prototype;
  const exec = proto.exec;
  const connect = proto.connect;
  const command = registryFacts.command;
  const gathers = new Map<string, string>();
  registryFacts.command = (reqs) => {
    const c = command(reqs);
    gathers.set(c, `facts: ${[...new Set(reqs.map((r) => r.fact))].join(', ')} (${reqs.length} requests)`);
    return c;
  };
  proto.exec = async function (this: SshConnector, cmd: string, opts?: ExecOptions) {
    const s = performance.now();
    try {
      return await exec.call(this, cmd, opts);
    } finally {
      const first = cmd.split('\n').find((l) => l.trim() && !/^(LC_ALL|PATH)=/.test(l)) ?? '';
      const gather = [...gathers].find(([g]) => cmd.includes(g.trim().split('\n').slice(2, 3)[0] ?? '\0'));
      const what = gathers.get(cmd) ?? gather?.[1] ?? first.trim().slice(0, 90);
      execs.push({ host: this.host, startMs: s - t0, ms: performance.now() - s, what });
    }
  };
  proto.connect = async function (this: SshConnector) {
    const s = performance.now();
    try {
      return await connect.call(this);
    } finally {
      if (performance.now() - s > 1)
        execs.push({
          host: this.host,
          startMs: s - t0,
          ms: performance.now() - s,
          what: 'connect (SSH login)',
        });
    }
  };
  let code: number;
  let out = '';
  try {
    code = await runPlaybookCommand({
      playbook: sitePlaybookPath(),
      inventory,
      output: 'json',
      lock: 'hakit bootstrap (profile)',
      out: {
        write: (s: string) => {
          out += s;
          return true;
        },
      } as never,
    });
  } finally {
    proto.exec = exec;
    proto.connect = connect;
    registryFacts.command = command;
  }
  const totalMs = performance.now() - t0;
  const end = out
    .split('\n')
    .filter((l) => l.includes('"run.end"'))
    .map((l) => JSON.parse(l) as { recap: Record<string, { changed: number }> })[0];
  const changed = end ? Object.values(end.recap).reduce((a, r) => a + r.changed, 0) : NaN;
  const hosts = [...new Set(execs.map((e) => e.host))].sort();
  process.stdout.write(
    `${label}: exit ${code}, changed ${changed}, ${totalMs.toFixed(0)} ms in-process (no node startup); commands per host: ${hosts
      .map((h) => `${h} ${execs.filter((e) => e.host === h).length}`)
      .join(', ')}\n`,
  );
  for (const h of hosts.slice(0, 1)) {
    for (const e of execs.filter((x) => x.host === h).sort((a, b) => a.startMs - b.startMs))
      process.stdout.write(
        `  ${h} at ${e.startMs.toFixed(0).padStart(6)} ms  ${e.ms.toFixed(0).padStart(5)} ms  ${e.what}\n`,
      );
  }
  for (const h of hosts.slice(1)) {
    const mine = execs.filter((x) => x.host === h);
    process.stdout.write(
      `  ${h}: ${mine.length} commands, ${mine.reduce((a, e) => a + e.ms, 0).toFixed(0)} ms in all\n`,
    );
  }
}

async function main() {
  if (process.argv.includes('--bootstrap')) {
    const j = process.argv.indexOf('--sandbox');
    const name = j > 0 ? (process.argv[j + 1] ?? '') : 'bench-b1';
    const sb = await loadSandbox(name, { cwd: REPO });
    if (!sb) throw new Error(`no sandbox ${name}: run npm run bench -- --workload b1 --reps 1 first`);
    await bootstrapOnce(sb.inventoryPath, `bootstrap of ${name}, run 1`);
    await bootstrapOnce(sb.inventoryPath, `bootstrap of ${name}, run 2`);
    return;
  }
  const i = process.argv.indexOf('--hosts');
  const hosts = i > 0 ? Number(process.argv[i + 1]) : 3;
  const sb = await loadSandbox(`bench${hosts}`, { cwd: REPO });
  if (!sb)
    throw new Error(
      `no sandbox bench${hosts}: run npm run bench first (or hakit sandbox up --name bench${hosts})`,
    );
  const bare = await importCost(null);
  process.stdout.write(`startup (fresh node, median of 5): bare node ${bare.toFixed(0)} ms`);
  for (const m of [
    'dist/src/cli/commands/run.js',
    'dist/src/cli/commands/sandbox.js',
    'dist/src/cli/main.js',
  ]) {
    process.stdout.write(`, import ${m} ${(await importCost(m)).toFixed(0)} ms`);
  }
  process.stdout.write('\n');
  await writeAuthkey();
  await resetHosts(sb);
  await runOnce(sb.inventoryPath, `${hosts} hosts, first run`);
  await runOnce(sb.inventoryPath, `${hosts} hosts, no-op rerun`);
}

await main();
