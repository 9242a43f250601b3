import { dirname, join, resolve } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { chronyView } from '../../components/chrony/view.js';
import { checkBootstrapNode } from '../../components/galera/bootstrap-flag.js';
import { haproxyUnderPacemaker } from '../../components/haproxy/service.js';
import { hostsView } from '../../components/hosts/view.js';
import { formatDiagnostic } from '../../errors/index.js';
import { runPlaybook } from '../../executor/engine.js';
import { BASE_FACTS, registryFacts, registryOps } from '../../executor/registries.js';
import { clusterNodes, loadInventory } from '../../inventory/index.js';
import { formatFileDiff } from '../../ops/index.js';
import type { OutputMode, Writable } from '../../output/index.js';
import { parseLimit } from '../../playbook/hosts.js';
import { loadPlaybook } from '../../playbook/load.js';
import { createTemplateEnv } from '../../render/handlebars-env.js';
import { DEBIAN_LAYOUT, RHEL_LAYOUT } from '../../render/layout.js';
import { openSession, packageRoot } from '../../session/index.js';

export { INTERRUPT_GRACE_MS, packageRoot } from '../../session/index.js';

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
  /**
   * Hold the host lock (/run/lock/hakit.lock) on every targeted host while the run changes them, so a second
   * run is refused (exit 6). Not taken in check mode.
   */
  lock?: string;
  /**
   * `hakit bootstrap --galera-bootstrap-node NODE`: the Galera member to bootstrap after a full outage, whatever
   * hakit would choose (checked against the inventory before any host is contacted). The playbook sees it as
   * `galera_bootstrap_node` (null when not given).
   */
  galeraBootstrapNode?: string;
  /** Where output goes (default stdout). */
  out?: Writable;
  /** Extra abort signal (tests); Ctrl-C is always wired. */
  signal?: AbortSignal;
}

function splitList(v: string | undefined): string[] {
  return (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Loads the inventory and playbook, runs it with the renderer chosen by `output`, and returns the exit code:
 * 0 ok, 2 bad input, 3 unreachable, 4 a task failed, 5 a rendered file was rejected, 6 the hosts are locked by
 * another run, 130 interrupted.
 * Input errors are thrown (InputError) for the CLI's error reporter.
 */
export async function runPlaybookCommand(o: PlaybookCommandOptions): Promise<number> {
  const loaded = await loadInventory(o.inventory);
  const playbook = await loadPlaybook(o.playbook, registryOps);
  const inv = loaded.inventory;
  const galeraBootstrapNode =
    o.galeraBootstrapNode === undefined ? null : checkBootstrapNode(inv, o.galeraBootstrapNode);
  const session = openSession(loaded, {
    ...(o.output ? { output: o.output } : {}),
    ...(o.out ? { out: o.out } : {}),
    ...(o.acceptNewHostKeys ? { acceptNewHostKeys: true } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  // The inventory's warnings (STONITH or quorum switched off, SELinux not enforcing, …) are part of the run's
  // output, in every format: the operator sees them whenever hosts are changed under them.
  for (const w of loaded.warnings)
    session.renderer.emit({ type: 'log', at: Date.now(), level: 'warn', message: formatDiagnostic(w) });
  const universe = session.universe;
  const root = packageRoot();
  const aptVars = {
    layout: DEBIAN_LAYOUT,
    views: { chrony: chronyView(inv, DEBIAN_LAYOUT), hosts: hostsView(inv) },
  };
  const dnfVars = {
    layout: RHEL_LAYOUT,
    views: { chrony: chronyView(inv, RHEL_LAYOUT), hosts: hostsView(inv) },
  };
  const playbookDir = dirname(resolve(o.playbook));
  const lockWhat = o.lock && !o.check ? o.lock : undefined;
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
        galera_bootstrap_node: galeraBootstrapNode,
        host_prep_sysctl: Object.entries(inv.host_prep.sysctl).map(([name, value]) => ({
          name,
          value: String(value),
        })),
      },
      // The file layout (and the views that depend on it) follows the host's package manager.
      // `state`: the host's desired packages (and semanage's, for the SELinux step; ufw's, for the firewall step),
      // the ids of its DRBD resource files (playbooks/drbd.yaml loops), and whether Pacemaker or systemd starts
      // HAProxy (haproxy.yaml).
      hostVars: (host, facts) => {
        const d = session.desired(host, facts);
        return {
          ...(session.layoutOf(facts).family === 'dnf' ? dnfVars : aptVars),
          state: {
            packages: d.packages,
            selinux: { packages: d.selinux.packages },
            firewall: { packages: d.firewall.packages },
            drbd_files: d.files.filter((f) => f.kind === 'drbd').map((f) => f.id),
            haproxy_by_pacemaker: haproxyUnderPacemaker(inv, host),
          },
        };
      },
      desired: session.desired,
      connector: session.connector,
      ops: registryOps,
      facts: registryFacts,
      baseFacts: BASE_FACTS,
      templates: createTemplateEnv(),
      templatesDirs: [
        join(playbookDir, 'templates'),
        join(playbookDir, '..', 'templates'),
        join(root, 'templates'),
      ],
      events: session.renderer,
      masker: session.masker,
      diff: formatFileDiff,
      check: o.check ?? false,
      showDiff: o.diff ?? false,
      ...(o.limit ? { limit: parseLimit(o.limit) ?? [] } : {}),
      tags: splitList(o.tags),
      skipTags: splitList(o.skipTags),
      ...(o.forks ? { forks: o.forks } : {}),
      beforeTasks: async (hosts: string[]) => {
        if (lockWhat) await session.lock(hosts, lockWhat);
        await session.resolveAuthkey();
      },
      signal: session.signal,
    });
    return result.exitCode;
  } finally {
    await session.close();
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
