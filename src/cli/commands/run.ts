import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { ConnectionPool } from '../../connect/pool.js';
import type { SshTarget } from '../../connect/target.js';
import { InputError } from '../../errors/index.js';
import { runPlaybook } from '../../executor/engine.js';
import { BASE_FACTS, registryFacts, registryOps } from '../../executor/registries.js';
import { hostUniverse, sshTargetFor } from '../../executor/ssh-targets.js';
import { loadInventory } from '../../inventory/load.js';
import { clusterNodes } from '../../inventory/model.js';
import { SecretMasker } from '../../inventory/secret.js';
import { formatFileDiff } from '../../ops/index.js';
import { createRenderer, type OutputMode, type Writable } from '../../output/index.js';
import { parseLimit } from '../../playbook/hosts.js';
import { loadPlaybook } from '../../playbook/load.js';
import { chronyView, hostsView } from '../../render/context.js';
import { createTemplateEnv } from '../../render/handlebars-env.js';
import { DEBIAN_LAYOUT, type Layout, RHEL_LAYOUT } from '../../render/layout.js';
import { type DesiredState, desiredState } from '../../state/desired.js';

/** After the first Ctrl-C, running commands get this long to finish before their connections are closed. */
export const INTERRUPT_GRACE_MS = 30_000;

export interface PlaybookCommandOptions {
  playbook: string;
  inventory: string;
  check?: boolean;
  diff?: boolean;
  limit?: string;
  tags?: string;
  skipTags?: string;
  forks?: number;
  output?: OutputMode;
  acceptNewHostKeys?: boolean;
  /** Where output goes (default stdout). */
  out?: Writable;
  /** Extra abort signal (tests); Ctrl-C is always wired. */
  signal?: AbortSignal;
}

/** The directory holding package.json (templates/ and playbooks/ live there). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj)) {
      try {
        if ((JSON.parse(readFileSync(pj, 'utf8')) as { name?: string }).name === 'hakit') return dir;
      } catch {
        // not ours; keep walking up
      }
    }
    dir = dirname(dir);
  }
  return process.cwd();
}

function splitList(v: string | undefined): string[] {
  return (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Loads the inventory and playbook, runs it with the renderer chosen by `output`, and returns the exit code:
 * 0 ok, 2 bad input, 3 unreachable, 4 a task failed, 5 a rendered file was rejected, 130 interrupted.
 * Input errors are thrown (InputError) for the CLI's error reporter.
 */
export async function runPlaybookCommand(o: PlaybookCommandOptions): Promise<number> {
  const masker = new SecretMasker();
  const loaded = await loadInventory(o.inventory);
  const playbook = await loadPlaybook(o.playbook, registryOps);
  const universe = hostUniverse(loaded);
  const inv = loaded.inventory;

  const targets = new Map<string, SshTarget>();
  for (const node of inv.nodes) {
    targets.set(
      node.name,
      sshTargetFor(loaded, node, masker, { acceptNewHostKeys: o.acceptNewHostKeys ?? false }),
    );
  }
  const pool = new ConnectionPool();
  const renderer = createRenderer(o.output, o.out ?? process.stdout);

  // Ctrl-C: the first stops new work (running commands finish and the recap prints); the second closes the
  // connections, which ends the commands still running.
  const ac = new AbortController();
  let sigints = 0;
  let grace: NodeJS.Timeout | undefined;
  const onSigint = () => {
    sigints++;
    if (sigints === 1) {
      ac.abort();
      // Commands still running after the grace period are ended by closing their connections.
      grace = setTimeout(() => void pool.closeAll(), INTERRUPT_GRACE_MS);
      grace.unref();
    } else void pool.closeAll();
  };
  process.on('SIGINT', onSigint);
  const onExternalAbort = () => ac.abort();
  o.signal?.addEventListener('abort', onExternalAbort, { once: true });

  const root = packageRoot();
  const layoutOf = (facts: Record<string, unknown>): Layout =>
    facts.package_manager === 'dnf' || facts.package_manager === 'yum' ? RHEL_LAYOUT : DEBIAN_LAYOUT;
  // One desired state per host and layout, computed once; secrets are revealed into it and registered with
  // the masker, so nothing that leaves hakit shows them.
  const states = new Map<string, DesiredState>();
  const desired = (host: string, facts: Record<string, unknown>): DesiredState => {
    const layout = layoutOf(facts);
    const key = `${host}\0${layout.family}`;
    let st = states.get(key);
    if (!st) {
      const node = inv.nodes.find((n) => n.name === host);
      if (!node) throw new InputError(`${host} is not a node of the inventory`);
      st = desiredState(loaded, node, { layout, secrets: 'reveal', masker });
      states.set(key, st);
    }
    return st;
  };
  const aptVars = {
    layout: DEBIAN_LAYOUT,
    views: { chrony: chronyView(inv, DEBIAN_LAYOUT), hosts: hostsView(inv) },
  };
  const dnfVars = {
    layout: RHEL_LAYOUT,
    views: { chrony: chronyView(inv, RHEL_LAYOUT), hosts: hostsView(inv) },
  };
  const playbookDir = dirname(resolve(o.playbook));
  try {
    const result = await runPlaybook({
      playbook,
      hosts: universe,
      vars: {
        inventory: inv,
        cluster: inv.cluster,
        host_prep: inv.host_prep,
        nodes: universe.nodes,
        groups: universe.groups,
        cluster_members: clusterNodes(inv).map((n) => n.name),
        host_prep_sysctl: Object.entries(inv.host_prep.sysctl).map(([name, value]) => ({
          name,
          value: String(value),
        })),
      },
      // The file layout (and the views that depend on it) follows the host's package manager.
      hostVars: (host, facts) => ({
        ...(layoutOf(facts).family === 'dnf' ? dnfVars : aptVars),
        state: { packages: desired(host, facts).packages },
      }),
      desired,
      connector: (h) => {
        const t = targets.get(h);
        if (!t) throw new InputError(`no SSH target for ${h}`);
        return pool.get(t);
      },
      ops: registryOps,
      facts: registryFacts,
      baseFacts: BASE_FACTS,
      templates: createTemplateEnv(),
      templatesDirs: [
        join(playbookDir, 'templates'),
        join(playbookDir, '..', 'templates'),
        join(root, 'templates'),
      ],
      events: renderer,
      masker,
      diff: formatFileDiff,
      check: o.check ?? false,
      showDiff: o.diff ?? false,
      ...(o.limit ? { limit: parseLimit(o.limit) ?? [] } : {}),
      tags: splitList(o.tags),
      skipTags: splitList(o.skipTags),
      ...(o.forks ? { forks: o.forks } : {}),
      signal: ac.signal,
    });
    return result.exitCode;
  } finally {
    process.off('SIGINT', onSigint);
    if (grace) clearTimeout(grace);
    o.signal?.removeEventListener('abort', onExternalAbort);
    await renderer.close();
    await pool.closeAll();
  }
}

export function parseForks(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

/** Options shared by `run` and `bootstrap`. */
export function addRunOptions(cmd: Command): Command {
  return cmd
    .requiredOption('-i, --inventory <file>', 'inventory file')
    .option('--check', 'plan only: show what would change, change nothing')
    .option('--diff', 'show unified diffs of file changes (secrets masked)')
    .option(
      '-l, --limit <patterns>',
      'only these hosts: node names, groups, role:NAME, !pattern (comma-separated)',
    )
    .option('-t, --tags <tags>', 'only tasks with one of these tags (comma-separated)')
    .option('--skip-tags <tags>', 'skip tasks with one of these tags (comma-separated)')
    .option('-f, --forks <n>', 'hosts a task runs on at once (default: all)', parseForks)
    .addOption(
      new Option(
        '-o, --output <mode>',
        'tty (task tree), plain (timestamped lines) or json (JSON lines)',
      ).choices(['tty', 'plain', 'json']),
    )
    .option(
      '--accept-new-host-keys',
      'trust and record host keys seen for the first time (a changed key is still refused)',
    );
}

/** What commander parses: the playbook options without the playbook itself and the programmatic hooks. */
type CliOptions = Omit<PlaybookCommandOptions, 'playbook' | 'out' | 'signal'> & { inventory: string };

export function cliToOptions(playbook: string, c: CliOptions): PlaybookCommandOptions {
  return {
    playbook,
    inventory: c.inventory,
    ...(c.check ? { check: true } : {}),
    ...(c.diff ? { diff: true } : {}),
    ...(c.limit ? { limit: c.limit } : {}),
    ...(c.tags ? { tags: c.tags } : {}),
    ...(c.skipTags ? { skipTags: c.skipTags } : {}),
    ...(c.forks ? { forks: c.forks } : {}),
    ...(c.output ? { output: c.output } : {}),
    ...(c.acceptNewHostKeys ? { acceptNewHostKeys: true } : {}),
  };
}

export function registerRun(program: Command): void {
  addRunOptions(
    program
      .command('run')
      .description('Run a playbook against the hosts of an inventory')
      .argument('<playbook>', 'playbook YAML file'),
  ).action(async (playbook: string, c: CliOptions) => {
    process.exitCode = await runPlaybookCommand(cliToOptions(playbook, c));
  });
}
