import { describe, expect, it } from 'vitest';
import type { HostExec } from '../../src/drills/fault.js';
import { partitionScript, sshFaults, unpartitionScript } from '../../src/drills/ssh-faults.js';

describe('SSH faults (real hosts)', () => {
  it('a partition arms its own removal (a transient systemd timer) before any rule, and keeps SSH open', () => {
    const s = partitionScript(['10.0.0.2', '10.0.0.3'], 299.2);
    const timer = s.indexOf('systemd-run --unit hakit-drill-heal-partition --on-active=300s');
    const rules = s.indexOf('nft -f -');
    expect(timer).toBeGreaterThan(0);
    expect(rules).toBeGreaterThan(timer);
    expect(s).toContain('nft delete table inet hakit_drill_partition');
    expect(s).toMatch(/tcp dport 22 accept\n {4}ip saddr \{ 10\.0\.0\.2, 10\.0\.0\.3 \} drop/);
    expect(s).toMatch(/tcp sport 22 accept\n {4}ip daddr \{ 10\.0\.0\.2, 10\.0\.0\.3 \} drop/);
    expect(unpartitionScript()).toMatch(
      /^nft delete table inet hakit_drill_partition 2>\/dev\/null \|\| true$/m,
    );
  });

  it('a hard reset is destructive; healing waits for the host; the partition heal runs its script', async () => {
    const sent: string[] = [];
    const exec: HostExec = async (host, command) => {
      sent.push(`${host}: ${command.split('\n')[0]}`);
      return { exitCode: 0, stdout: '', stderr: '' };
    };
    const f = sshFaults(exec);
    expect(f.crash('n1').destructive).toBe(true);
    expect(f.crash('n1').describe()).toMatch(/hakit cannot undo it/);
    await f.crash('n1').heal();
    const p = f.partition('n1', [{ name: 'n2', addresses: ['10.0.0.2'] }], 60_000);
    expect(p.destructive).toBe(false);
    await p.heal();
    await p.heal(); // idempotent: the same script again
    expect(sent).toEqual([
      'n1: true',
      'n1: true',
      'n1: nft delete table inet hakit_drill_partition 2>/dev/null || true',
      'n1: true',
      'n1: nft delete table inet hakit_drill_partition 2>/dev/null || true',
    ]);
  });

  it('the partition heal of a host fenced while cut off (powered off, then on) waits until SSH answers again', async () => {
    const sent: string[] = [];
    let down = 3; // three attempts find it off (or its old connection dead), then it answers
    const exec: HostExec = async (host, command) => {
      sent.push(`${host}: ${command.split('\n')[0]}`);
      if (down > 0) {
        down--;
        return { exitCode: null, unreachable: true, stdout: '', stderr: 'connect ECONNREFUSED' };
      }
      return { exitCode: 0, stdout: '', stderr: '' };
    };
    await sshFaults(exec, { retryMs: 1 })
      .partition('n1', [{ name: 'n2', addresses: ['10.0.0.2'] }], 60_000)
      .heal();
    expect(sent).toEqual([
      'n1: true',
      'n1: true',
      'n1: true',
      'n1: true',
      'n1: nft delete table inet hakit_drill_partition 2>/dev/null || true',
    ]);
  });
});
