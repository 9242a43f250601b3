import { join } from 'node:path';
import type { Command } from 'commander';
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
        'Build the cluster of the inventory (playbooks/site.yaml: host preparation, packages, corosync, HAProxy, Pacemaker with fencing and the VIP)',
      ),
  ).action(async (c: Parameters<typeof cliToOptions>[1]) => {
    process.exitCode = await runPlaybookCommand({
      ...cliToOptions(sitePlaybookPath(), c),
      lock: 'hakit bootstrap',
    });
  });
}
