import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { EnvironmentError, HakitError, InputError } from '../../errors/index.js';
import { DEFAULT_NODES, DEFAULT_SANDBOX } from '../../sandbox/names.js';

/**
 * The sandbox code pulls in testcontainers (hundreds of modules): load it only when a sandbox command runs, so
 * `hakit run` and `hakit check` start fast.
 */
const sandboxApi = () => import('../../sandbox/index.js');

function progressLine(msg: string): void {
  process.stderr.write(`sandbox: ${msg}\n`);
}

/** An AbortSignal fired by the first Ctrl-C (SIGINT) or SIGTERM; `up` then removes what it created. */
function interruptSignal(): { signal: AbortSignal; dispose: () => void } {
  const ac = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (ac.signal.aborted) return;
    progressLine(`${sig}: stopping and removing what was created (this takes a few seconds)`);
    ac.abort(new HakitError(`interrupted by ${sig}`, { code: 'E_INTERRUPTED', exitCode: 130 }));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: ac.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

function parseNodes(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InputError(`--nodes expects an integer, got '${v}'`);
  return n;
}

export function registerSandbox(program: Command): void {
  const sandbox = program
    .command('sandbox')
    .description('Real cluster hosts as local containers: systemd, sshd, a fixed subnet, an inventory');

  sandbox
    .command('up')
    .description('Start a sandbox of N Debian hosts (builds the images the first time)')
    .option('-n, --nodes <count>', 'number of nodes (1-30)', parseNodes, DEFAULT_NODES)
    .option('--name <name>', 'sandbox name', DEFAULT_SANDBOX)
    .option('--no-package-cache', 'run nodes from the image without the pre-downloaded cluster packages')
    .action(async (o: { nodes: number; name: string; packageCache: boolean }) => {
      const { signal, dispose } = interruptSignal();
      const started = Date.now();
      try {
        const sb = await (await sandboxApi()).sandboxUp({
          name: o.name,
          nodes: o.nodes,
          packageCache: o.packageCache,
          signal,
          onProgress: progressLine,
        });
        const secs = ((Date.now() - started) / 1000).toFixed(1);
        process.stdout.write(
          `sandbox '${sb.name}' is up in ${secs} s: network ${sb.network.name} ${sb.network.subnet}, VIP ${sb.vip}\n`,
        );
        for (const n of sb.nodes) process.stdout.write(`  ${n.name}  ${n.address}  ${n.containerName}\n`);
        process.stdout.write(`inventory: ${sb.inventoryPath}\nkey:       ${sb.keyPath}\n`);
        process.stdout.write(
          `shell:     hakit sandbox ssh ${sb.nodes[0]?.name ?? 'node1'}${sb.name === DEFAULT_SANDBOX ? '' : ` --name ${sb.name}`}\n`,
        );
      } finally {
        dispose();
      }
    });

  sandbox
    .command('down')
    .description('Remove the sandbox: containers, network, keys and state')
    .option('--name <name>', 'sandbox name', DEFAULT_SANDBOX)
    .action(async (o: { name: string }) => {
      await (await sandboxApi()).sandboxDown(o.name);
      process.stdout.write(`sandbox '${o.name}' removed\n`);
    });

  sandbox
    .command('status')
    .description('Show the sandbox network and the state of each node')
    .option('--name <name>', 'sandbox name', DEFAULT_SANDBOX)
    .option('--json', 'print JSON')
    .action(async (o: { name: string; json?: boolean }) => {
      const st = await (await sandboxApi()).sandboxStatus(o.name);
      if (o.json) {
        process.stdout.write(`${JSON.stringify(st, null, 2)}\n`);
        return;
      }
      if (!st.exists) {
        process.stdout.write(
          `sandbox '${st.name}' does not exist (hakit sandbox up${o.name === DEFAULT_SANDBOX ? '' : ` --name ${o.name}`})\n`,
        );
        process.exitCode = 1;
        return;
      }
      process.stdout.write(
        `sandbox '${st.name}': network ${st.network.name} ${st.network.subnet ?? '?'} ` +
          `${st.network.exists ? '' : '(missing) '}VIP ${st.vip ?? '?'}\n`,
      );
      for (const n of st.nodes) {
        const net = n.state === 'missing' || n.connected ? '' : ' (isolated)';
        process.stdout.write(`  ${n.name.padEnd(7)} ${(n.address ?? '?').padEnd(15)} ${n.state}${net}\n`);
      }
    });

  sandbox
    .command('start')
    .description(
      'Power on stopped nodes (a node fencing powered off, a crashed one) and wait until sshd answers; running nodes are left alone',
    )
    .argument('[nodes...]', 'node names (default: every node)')
    .option('--name <name>', 'sandbox name', DEFAULT_SANDBOX)
    .action(async (nodes: string[], o: { name: string }) => {
      const api = await sandboxApi();
      const sb = await api.loadSandbox(o.name);
      if (!sb) throw new InputError(`sandbox '${o.name}' is not up (hakit sandbox up)`);
      const unknown = nodes.filter((x) => !sb.nodes.some((n) => n.name === x));
      if (unknown.length)
        throw new InputError(
          `sandbox '${o.name}' has no node ${unknown.map((x) => `'${x}'`).join(', ')} (nodes: ${sb.nodes.map((x) => x.name).join(', ')})`,
        );
      for (const node of nodes.length ? nodes : sb.nodes.map((n) => n.name)) {
        const was = await api.nodeRunning(sb, node);
        await api.startNode(sb, node);
        process.stdout.write(`${node}: ${was ? 'already running' : 'started, sshd answers'}\n`);
      }
    });

  sandbox
    .command('ssh')
    .description('Open an interactive shell on a node (ssh with the sandbox key and known_hosts)')
    .argument('<node>', 'node name, e.g. node1')
    .argument('[command...]', 'run this command instead of a shell')
    .option('--name <name>', 'sandbox name', DEFAULT_SANDBOX)
    .option('-u, --user <user>', 'login user (root, or hakit for a sudo user)', 'root')
    .action(async (node: string, command: string[], o: { name: string; user: string }) => {
      const sb = await (await sandboxApi()).loadSandbox(o.name);
      if (!sb) throw new InputError(`sandbox '${o.name}' is not up (hakit sandbox up)`);
      const n = sb.nodes.find((x) => x.name === node);
      if (!n)
        throw new InputError(
          `sandbox '${o.name}' has no node '${node}' (nodes: ${sb.nodes.map((x) => x.name).join(', ')})`,
        );
      const args = [
        ...(await sandboxApi()).sandboxSshArgs(sb, n, { user: o.user, tty: command.length === 0 }),
        ...command,
      ];
      const code = await new Promise<number>((resolve, reject) => {
        const child = spawn('ssh', args, { stdio: 'inherit' });
        child.on('error', (err) =>
          reject(new EnvironmentError(`cannot run ssh (${err.message}); install openssh-client`)),
        );
        child.on('close', (c) => resolve(c ?? 255));
      });
      process.exitCode = code;
    });

  sandbox
    .command('images')
    .description('Build the sandbox images now (cached by recipe hash; nothing to do when up to date)')
    .option('--no-package-cache', 'skip the image with the pre-downloaded cluster packages')
    .action(async (o: { packageCache: boolean }) => {
      const { signal, dispose } = interruptSignal();
      try {
        const images = await (await sandboxApi()).ensureImages({
          packageCache: o.packageCache,
          signal,
          onProgress: progressLine,
        });
        process.stdout.write(`${JSON.stringify(images, null, 2)}\n`);
      } finally {
        dispose();
      }
    });
}
