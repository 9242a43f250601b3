import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { corosyncWaitQuorumOp } from '../../src/components/corosync/ops.js';
import { LocalConnector } from '../../src/connect/local-connector.js';

/**
 * The wait-for-quorum loop runs for real (sh, date, grep, timeout) against stand-ins for corosync-quorumtool and
 * crmadmin that print what the real tools print (Pacemaker 2.1 / corosync 3.1, Debian 12).
 */
const dir = mkdtempSync(join(tmpdir(), 'hakit-quorum-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const quorumtool = (members: string[], quorate: boolean) => `Quorum information
------------------
Date:             Wed Dec  2 14:00:00 2026
Quorum provider:  corosync_votequorum
Nodes:            ${members.length}
Node ID:          1
Ring ID:          1.10
Quorate:          ${quorate ? 'Yes' : 'No'}

Votequorum information
----------------------
Expected votes:   3
Highest expected: 3
Total votes:      ${members.length}
Quorum:           2 ${quorate ? '' : 'Activity blocked'}
Flags:            ${quorate ? 'Quorate' : ''}

Membership information
----------------------
    Nodeid      Votes Name
${members.map((m, i) => `         ${i + 1}          1 ${m}${i === 0 ? ' (local)' : ''}`).join('\n')}
`;

function stubs(name: string, out: string, dcRc: number): string {
  const bin = join(dir, name);
  rmSync(bin, { recursive: true, force: true });
  writeFileSync(join(dir, `${name}.out`), out);
  const mk = (tool: string, body: string) => {
    const p = join(bin, tool);
    writeFileSync(p, `#!/bin/sh\n${body}\n`);
    chmodSync(p, 0o755);
  };
  mkdirSync(bin);
  mk('corosync-quorumtool', `cat '${join(dir, `${name}.out`)}'`);
  mk('crmadmin', `exit ${dcRc}`);
  return bin;
}

async function runWait(bin: string, timeout: number, dc = true) {
  const plan = corosyncWaitQuorumOp.plan(
    corosyncWaitQuorumOp.args.parse({ nodes: ['node1', 'node2', 'node3'], dc, timeout }),
    new Map(),
  );
  const step = plan.steps[0];
  if (step?.kind !== 'exec') throw new Error('expected one exec step');
  return new LocalConnector().exec(step.command, {
    env: { PATH: `${bin}:${process.env.PATH}` },
    timeoutMs: step.timeoutMs ?? 60_000,
  });
}

describe('corosync_wait_quorum, run for real', () => {
  it('succeeds once every member is seen, the partition is quorate and a DC is elected', async () => {
    const r = await runWait(stubs('all', quorumtool(['node1', 'node2', 'node3'], true), 0), 5);
    expect(r.exitCode, r.stderr).toBe(0);
  });

  it('times out naming the missing member, with corosync-quorumtool’s own report', async () => {
    const r = await runWait(stubs('two', quorumtool(['node1', 'node2'], true), 0), 2);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('not reached in 2 s: missing members: node3; quorate: yes');
    expect(r.stderr).toContain('Membership information');
  });

  it('members and quorum there, no DC: it says the DC is lacking', async () => {
    const r = await runWait(stubs('nodc', quorumtool(['node1', 'node2', 'node3'], true), 1), 2);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/missing members: none; quorate: yes; DC elected: no/);
  });

  it('without quorum it says which members are lacking', async () => {
    const r = await runWait(stubs('alone', quorumtool(['node1'], false), 1), 2);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('missing members: node2 node3; quorate: no');
  });
});
