import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Sandbox } from '../src/sandbox/index.js';

/** How one tool is run against one sandbox; `run` is the whole process, startup included. */
export interface Tool {
  name: 'hakit' | 'ansible';
  /** The exact command line (for the report). */
  commandLine: string;
  run(): Promise<ToolRun>;
}

export interface ToolRun {
  ms: number;
  exitCode: number | null;
  /** Sum of changed tasks over all hosts (from the tool's own recap). */
  changed: number | null;
  stdout: string;
  stderr: string;
}

/** The checkout: the nearest directory above this file with hakit's package.json (works from bench/ and dist/bench/). */
export const REPO = findRepo(import.meta.dirname);

function findRepo(start: string): string {
  let dir = start;
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'bench', 'w1'))) return dir;
    dir = dirname(dir);
  }
  throw new Error(`cannot find the hakit checkout above ${start}`);
}
export const W1_DIR = join(REPO, 'bench', 'w1');

/** Runs a process to completion and measures its wall-clock time. */
export function timed(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<Omit<ToolRun, 'changed'>> {
  return new Promise((res, rej) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', rej);
    child.on('close', (code) => {
      res({
        ms: performance.now() - t0,
        exitCode: code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

/** The bench's files for a sandbox (inventory, ansible.cfg, authkey), under its gitignored state dir. */
export async function workDir(sb: Sandbox): Promise<string> {
  const dir = join(sb.dir, 'bench');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/**
 * A fresh random authkey at bench/w1/files/authkey (gitignored), where both playbooks read it. Text (base64),
 * so both tools carry it byte for byte; mode 0600, never printed.
 */
export async function writeAuthkey(): Promise<string> {
  const dir = join(W1_DIR, 'files');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, 'authkey');
  await writeFile(path, `${randomBytes(48).toString('base64')}\n`, { mode: 0o600 });
  return path;
}

/** Sum of `changed=N` over the PLAY RECAP lines of ansible-playbook's default output. */
export function ansibleChanged(stdout: string): number | null {
  const recap = stdout.split('PLAY RECAP')[1];
  if (!recap) return null;
  let sum = 0;
  for (const m of recap.matchAll(/\bchanged=(\d+)/g)) sum += Number(m[1]);
  return sum;
}

export async function ansibleTool(sb: Sandbox, dir: string): Promise<Tool> {
  const inv = join(dir, 'ansible-inventory.yaml');
  const cfg = join(dir, 'ansible.cfg');
  const hosts = sb.nodes
    .map((n) => `    ${n.name}:\n      ansible_host: ${n.address}\n      node_address: ${n.address}\n`)
    .join('');
  await writeFile(
    inv,
    `all:\n  vars:\n    ansible_user: root\n    ansible_ssh_private_key_file: ${sb.keyPath}\n    ansible_python_interpreter: /usr/bin/python3\n  hosts:\n${hosts}`,
  );
  // Ansible as its users tune it for speed: pipelining, enough forks, no fact gathering, no interpreter
  // discovery; host keys checked against the sandbox's known_hosts; ControlPersist left at its default (60 s).
  await writeFile(
    cfg,
    [
      '[defaults]',
      `forks = ${Math.max(sb.nodes.length, 5)}`,
      'gathering = explicit',
      'host_key_checking = True',
      'retry_files_enabled = False',
      'interpreter_python = /usr/bin/python3',
      '',
      '[ssh_connection]',
      'pipelining = True',
      `ssh_args = -C -o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=${sb.knownHostsPath} -o StrictHostKeyChecking=yes`,
      '',
    ].join('\n'),
  );
  const args = ['-i', inv, join(W1_DIR, 'w1.ansible.yaml')];
  const env = { ...process.env, ANSIBLE_CONFIG: cfg, ANSIBLE_NOCOLOR: '1' };
  return {
    name: 'ansible',
    commandLine: `ANSIBLE_CONFIG=${cfg} ansible-playbook ${args.join(' ')}`,
    async run() {
      const r = await timed('ansible-playbook', args, env, REPO);
      return { ...r, changed: ansibleChanged(r.stdout) };
    },
  };
}

/** From hakit's `--output json` event lines: changed tasks over all hosts (run.end recap) and task timings. */
export function hakitSummary(stdout: string): {
  changed: number | null;
  tasks: Array<{ task: string; ms: number }>;
} {
  let changed: number | null = null;
  const tasks: Array<{ task: string; ms: number }> = [];
  const starts = new Map<string, number>();
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    let e: { type?: string; task?: string; at?: number; recap?: Record<string, { changed: number }> };
    try {
      e = JSON.parse(line);
    } catch {
      continue;
    }
    if (e.type === 'task.start' && e.task && e.at) starts.set(e.task, e.at);
    if (e.type === 'task.end' && e.task && e.at)
      tasks.push({ task: e.task, ms: e.at - (starts.get(e.task) ?? e.at) });
    if (e.type === 'run.end' && e.recap) changed = Object.values(e.recap).reduce((s, r) => s + r.changed, 0);
  }
  return { changed, tasks };
}

export function hakitTool(inventory: string): Tool {
  const args = [
    join(REPO, 'bin', 'hakit.js'),
    'run',
    join(W1_DIR, 'w1.yaml'),
    '-i',
    inventory,
    '--output',
    'json',
  ];
  const env = { ...process.env };
  return {
    name: 'hakit',
    commandLine: `node ${args.join(' ')}`,
    async run() {
      const r = await timed(process.execPath, args, env, REPO);
      return { ...r, changed: hakitSummary(r.stdout).changed };
    },
  };
}

/**
 * One timed run of the floor (bench/floor.ts): log in to every host of `inventory` with hakit's connector, then
 * `rounds` rounds of an empty command on all hosts. Same process shape as `hakitTool` (a fresh node, startup included).
 */
export async function floorRun(inventory: string, rounds: number): Promise<number> {
  const script = join(import.meta.dirname, 'floor.js');
  const r = await timed(process.execPath, [script, inventory, String(rounds)], { ...process.env }, REPO);
  if (r.exitCode !== 0)
    throw new Error(
      `floor (${rounds} rounds) exited ${r.exitCode}: ${r.stderr.trim().split('\n').slice(-5).join('\n')}`,
    );
  return r.ms;
}
