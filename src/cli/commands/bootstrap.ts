import { join } from 'node:path';
import type { Command } from 'commander';
import { addRunOptions, cliToOptions, packageRoot, runPlaybookCommand } from './run.js';

/** The playbook `hakit bootstrap` runs. */
export function sitePlaybookPath(): string {
  return join(packageRoot(), 'playbooks', 'site.yaml');
}

export function registerBootstrap(program: Command): void {
  addRunOptions(
    program
      .command('bootstrap')
      .description(
        'Prepare every host of the inventory (runs playbooks/site.yaml: /etc/hosts, chrony, sysctl, SELinux)',
      ),
  ).action(async (c: Parameters<typeof cliToOptions>[1]) => {
    process.exitCode = await runPlaybookCommand(cliToOptions(sitePlaybookPath(), c));
  });
}
