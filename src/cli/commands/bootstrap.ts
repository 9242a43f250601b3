import { join } from 'node:path';
import type { Command } from 'commander';
import { BOOTSTRAP_NODE_FLAG } from '../../components/galera/bootstrap-error.js';
import { packageRoot } from '../../session/index.js';
import { addRunOptions, cliToOptions, runPlaybookCommand } from './run.js';

/** The playbook `hakit bootstrap` runs. */
export function sitePlaybookPath(): string {
  return join(packageRoot(), 'playbooks', 'site.yaml');
}

export function registerBootstrap(program: Command): void {
  addRunOptions(
    program
      .command('bootstrap')
      .description(
        'Build the cluster of the inventory (playbooks/site.yaml: host preparation, packages, corosync, HAProxy, Pacemaker with fencing and the VIP, MariaDB Galera)',
      ),
  )
    .option(
      `${BOOTSTRAP_NODE_FLAG} <node>`,
      'after a full Galera outage, bootstrap this member whatever hakit would choose (when hakit refuses to choose)',
    )
    .action(async (c: Parameters<typeof cliToOptions>[1] & { galeraBootstrapNode?: string }) => {
      process.exitCode = await runPlaybookCommand({
        ...cliToOptions(sitePlaybookPath(), c),
        ...(c.galeraBootstrapNode !== undefined ? { galeraBootstrapNode: c.galeraBootstrapNode } : {}),
        lock: 'hakit bootstrap',
      });
    });
}
