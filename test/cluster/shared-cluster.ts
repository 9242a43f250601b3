import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { Sandbox } from '../../src/sandbox/index.js';
import { type CliResult, ensureBuilt, hakit } from '../support/cli.js';
import { sshCli } from '../support/ssh-cli.js';

/**
 * What the tests on the one bootstrapped sandbox of test/cluster/bootstrap.int.test.ts share: the sandbox, every
 * text hakit printed (scanned for secrets by the last test), and helpers that read facts from the hosts.
 * Groups of cases in other modules of this folder take a `SharedCluster` and register their `it`s in order; the
 * main file decides the order (each group leaves the cluster healthy for the next).
 */
export interface SharedCluster {
  sandbox: () => Sandbox;
  /** stdout and stderr of every hakit run, for the secret scan. */
  printed: string[];
  baseInventory: () => string;
  bootstrap: (inventory: string, extra?: string[]) => Promise<CliResult>;
  explain: (r: CliResult) => string;
  recap: (r: CliResult) => Record<string, { changed: number; failed: number }>;
  on: (node: string, command: string) => Promise<string>;
  tcpConnects: (host: string, port: number) => Promise<boolean>;
  changedTasks: (r: CliResult, host: string) => string;
  startCallIds: () => Promise<Record<string, string>>;
  etcSums: (node: string) => Promise<string>;
}

/** One event line of a `--output json` run, with the fields the tests read. */
export interface RunEvent {
  type: string;
  at: number;
  task?: string;
  host?: string;
  hosts?: string[];
  status?: string;
  message?: string;
  error?: { stderr?: string };
  preview?: { text: string };
  recap?: Record<string, { changed: number; failed: number }>;
}

/** The JSON event lines of a `--output json` run, in order. */
export function runEvents(r: CliResult): RunEvent[] {
  return r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as RunEvent);
}

export function sharedCluster(sandbox: () => Sandbox): SharedCluster {
  const printed: string[] = [];

  /**
   * The sandbox's inventory without `cluster.authkey`: the first bootstrap generates the key, every later run keeps
   * the one the members share. Every run of this file uses it (or a copy with changes).
   */
  function baseInventory(): string {
    const sb = sandbox();
    const path = join(sb.dir, 'inventory-no-authkey.yaml');
    const inv = parse(readFileSync(sb.inventoryPath, 'utf8')) as { cluster: Record<string, unknown> };
    if (!('authkey' in inv.cluster))
      throw new Error('the sandbox inventory has no cluster.authkey to remove');
    delete inv.cluster.authkey;
    writeFileSync(path, stringify(inv));
    return path;
  }

  async function bootstrap(inventory: string, extra: string[] = []): Promise<CliResult> {
    ensureBuilt();
    const r = await hakit(['bootstrap', '-i', inventory, '--output', 'json', ...extra], {
      timeoutMs: 1_200_000,
    });
    printed.push(r.stdout, r.stderr);
    return r;
  }

  function explain(r: CliResult): string {
    const lines = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => /"failed"|error|stderr/i.test(l));
    return `exit ${r.code}\n${lines.slice(-20).join('\n')}\n${r.stderr.slice(-2000)}`;
  }

  /** The recap of a JSON-lines run: host → counts. */
  function recap(r: CliResult): Record<string, { changed: number; failed: number }> {
    const end = runEvents(r).find((e) => e.type === 'run.end');
    if (!end?.recap) throw new Error(`no run.end event in:\n${r.stdout.slice(-3000)}`);
    return end.recap;
  }

  async function on(node: string, command: string): Promise<string> {
    const r = await sshCli(sandbox(), node, command, { timeoutMs: 60_000 });
    if (r.code !== 0) throw new Error(`${node}: ${command} → exit ${r.code}\n${r.stderr}\n${r.stdout}`);
    return r.stdout;
  }

  function tcpConnects(host: string, port: number): Promise<boolean> {
    return new Promise((res) => {
      const s = connect({ host, port, timeout: 3000 });
      s.once('connect', () => {
        s.destroy();
        res(true);
      });
      s.once('error', () => res(false));
      s.once('timeout', () => {
        s.destroy();
        res(false);
      });
    });
  }

  /** What a JSON-lines run changed on a host: one line per changed task, with its plan (for failure messages). */
  function changedTasks(r: CliResult, host: string): string {
    return runEvents(r)
      .filter((e) => e.type === 'task.host' && e.host === host && e.status === 'changed')
      .map((e) => `${e.task}: ${(e.message ?? '').slice(0, 400)}`)
      .join('\n');
  }

  /** The start operation's call-id of each resource on each node: a restart gives it a new one. */
  async function startCallIds(): Promise<Record<string, string>> {
    const xml = await on('node1', 'cibadmin -Q --scope status');
    const out: Record<string, string> = {};
    for (const state of xml.matchAll(/<node_state [^>]*uname="([^"]+)"[\s\S]*?<\/node_state>/g)) {
      for (const op of (state[0] as string).matchAll(/<lrm_rsc_op [^>]*>/g)) {
        const tag = op[0];
        const id = /operation_key="([^"]+)_start_0"/.exec(tag)?.[1];
        const call = /call-id="(\d+)"/.exec(tag)?.[1];
        if (id && call) out[`${state[1]}/${id}`] = call;
      }
    }
    return out;
  }

  const etcSums = (node: string) =>
    on(node, 'find /etc /var/lib/hakit -xdev -type f -print0 | sort -z | xargs -0 sha256sum');

  return {
    sandbox,
    printed,
    baseInventory,
    bootstrap,
    explain,
    recap,
    on,
    tcpConnects,
    changedTasks,
    startCallIds,
    etcSums,
  };
}
