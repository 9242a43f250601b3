import { spawn, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getOperation } from '../../src/ops/index.js';
import { planOp } from './helpers.js';

/** Runs the plan's single step with the local sh, asynchronously (the test's own TCP server must keep serving). */
function runStep(command: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn('sh', ['-c', command], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('wait_for', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((s) => s.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('plans one bounded loop that is "ok", not "changed", with a step timeout', () => {
    const plan = planOp('wait_for', { port: 5432, timeout: 30, interval: 2 });
    expect(plan.noChange).toBe(true);
    expect(plan.steps).toHaveLength(1);
    const step = plan.steps[0]!;
    if (step.kind !== 'exec') throw new Error('exec expected');
    expect(step.command).toContain('while [ "$n" -lt 15 ]; do');
    expect(step.command).toContain('exec 3<>/dev/tcp/127.0.0.1/5432');
    expect(step.timeoutMs).toBe((30 + 2 + 2 + 10) * 1000);
    expect(step.display).toBe('wait up to 30s for port 127.0.0.1:5432 open');
  });

  it('succeeds against an open port and a succeeding command (run by the local sh)', async () => {
    const open = planOp('wait_for', { port, timeout: 5 }).steps[0]!;
    expect(await runStep((open as { command: string }).command)).toEqual({ code: 0, stderr: '' });
    const cmd = planOp('wait_for', { command: 'test -d /', timeout: 5 }).steps[0]!;
    expect((await runStep((cmd as { command: string }).command)).code).toBe(0);
  });

  it('gives up after its bounded attempts: closed port, port still open for state stopped, failing command', async () => {
    const closed = planOp('wait_for', { port: 1, timeout: 2, interval: 1 }).steps[0] as { command: string };
    const r = await runStep(closed.command);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('wait_for: port 127.0.0.1:1 open not reached within 2s');
    const stillOpen = planOp('wait_for', { port, state: 'stopped', timeout: 1, interval: 1 }).steps[0] as {
      command: string;
    };
    expect((await runStep(stillOpen.command)).code).toBe(1);
    const failing = planOp('wait_for', { command: 'false', timeout: 1, interval: 0.5 }).steps[0] as {
      command: string;
    };
    expect((await runStep(failing.command)).code).toBe(1);
  });

  it('args: exactly one of port/command; bounded timeout', () => {
    const op = getOperation('wait_for');
    expect(op.args.safeParse({}).success).toBe(false);
    expect(op.args.safeParse({ port: 1, command: 'x' }).success).toBe(false);
    expect(op.args.safeParse({ port: 1, timeout: 100000 }).success).toBe(false);
    expect(op.args.safeParse({ port: 1, host: 'a;b' }).success).toBe(false);
    expect(spawnSync('sh', ['-c', 'command -v bash timeout']).status).toBe(0);
  });
});
