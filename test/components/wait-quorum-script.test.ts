import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corosyncWaitQuorumOp } from '../../src/components/corosync/ops.js';

/**
 * The corosync_wait_quorum script run for real (dash and bash) against fake `corosync-quorumtool` and `crmadmin`
 * that print what a scenario says: it must accept exactly a quorate partition with every member (and a DC when
 * asked), keep asking until then, and on timeout say what is missing with the tool's own report.
 */
const SHELLS = ['sh', 'bash'] as const;
/** Debian's hosts have mawk, RHEL's gawk: the awk program must mean the same to both (when both are here). */
const AWKS = ['gawk', 'mawk'].filter((a) => existsSync(`/usr/bin/${a}`));
const CASES = SHELLS.flatMap((sh) => AWKS.map((awk) => [sh, awk] as const));

const quorumtool = (opts: { quorate: boolean; members: string[]; qdevice?: boolean }) => `Quorum information
------------------
Date:             Wed Dec  2 14:26:39 2026
Quorum provider:  corosync_votequorum
Nodes:            ${opts.members.length}
Node ID:          1
Ring ID:          1.1f
Quorate:          ${opts.quorate ? 'Yes' : 'No'}

Votequorum information
----------------------
Expected votes:   3
Highest expected: 3
Total votes:      ${opts.members.length}
Quorum:           2 ${opts.quorate ? '' : 'Activity blocked'}
Flags:            ${opts.quorate ? 'Quorate' : ''}

Membership information
----------------------
    Nodeid      Votes${opts.qdevice ? '    Qdevice' : ''} Name
${opts.members
  .map(
    (m, i) =>
      `${String(i + 1).padStart(10)} ${'1'.padStart(10)}${opts.qdevice ? ' A,V,NMW'.padStart(11) : ''} ${m}${i === 0 ? ' (local)' : ''}`,
  )
  .join('\n')}
`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hakit-waitq-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Fake tools: the n-th call of corosync-quorumtool prints outputs[min(n, last)] (or fails like a stopped corosync
 * for `null`); crmadmin exits 0 when `dc`. Each call is counted in a file.
 */
function scenario(name: string, outputs: Array<string | null>, dc: boolean, awk: string): string {
  const bin = join(dir, name);
  spawnSync('mkdir', ['-p', bin]);
  symlinkSync(`/usr/bin/${awk}`, join(bin, 'awk'));
  outputs.forEach((o, i) => {
    writeFileSync(join(bin, `out${i}`), o ?? '');
  });
  writeFileSync(
    join(bin, 'corosync-quorumtool'),
    [
      '#!/bin/sh',
      `d=${bin}`,
      'n=$(cat "$d/calls" 2>/dev/null || echo 0); echo $((n + 1)) > "$d/calls"',
      `last=${outputs.length - 1}; [ "$n" -gt "$last" ] && n=$last`,
      `if [ ! -s "$d/out$n" ]; then echo 'Cannot initialize QUORUM service' >&2; exit 1; fi`,
      'cat "$d/out$n"',
    ].join('\n'),
  );
  writeFileSync(
    join(bin, 'crmadmin'),
    `#!/bin/sh\necho x >> ${bin}/crmadmin-calls\n${dc ? 'echo "Designated Controller is: node1"' : 'exit 1'}\n`,
  );
  chmodSync(join(bin, 'corosync-quorumtool'), 0o755);
  chmodSync(join(bin, 'crmadmin'), 0o755);
  return bin;
}

function run(shell: string, bin: string, args: { nodes: string[]; dc?: boolean; timeout?: number }) {
  const plan = corosyncWaitQuorumOp.plan(corosyncWaitQuorumOp.args.parse({ timeout: 1, ...args }), new Map());
  const step = plan.steps[0];
  if (step?.kind !== 'exec') throw new Error('expected one exec step');
  const r = spawnSync(shell, ['-c', step.command], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    timeout: 20_000,
  });
  const count = (f: string) => {
    try {
      return readFileSync(join(bin, f), 'utf8').trim().split('\n').length;
    } catch {
      return 0;
    }
  };
  return {
    code: r.status,
    stderr: r.stderr,
    quorumCalls: Number(readFileSync(join(bin, 'calls'), 'utf8')),
    crmCalls: count('crmadmin-calls'),
  };
}

const all = ['node1', 'node2', 'node3'];

describe.each(CASES)('corosync_wait_quorum script (%s, %s)', (shell, awk) => {
  it('a quorate partition with every member and a DC: done after one check each', () => {
    const bin = scenario(`${shell}-${awk}-ok`, [quorumtool({ quorate: true, members: all })], true, awk);
    expect(run(shell, bin, { nodes: all, dc: true })).toEqual({
      code: 0,
      stderr: '',
      quorumCalls: 1,
      crmCalls: 1,
    });
  });

  it('without dc, crmadmin is never asked; a qdevice column is read too', () => {
    const bin = scenario(
      `${shell}-${awk}-qdev`,
      [quorumtool({ quorate: true, members: all, qdevice: true })],
      false,
      awk,
    );
    expect(run(shell, bin, { nodes: all })).toMatchObject({ code: 0, quorumCalls: 1, crmCalls: 0 });
  });

  it('keeps asking until corosync runs, every member is seen and the partition is quorate', () => {
    const bin = scenario(
      `${shell}-${awk}-late`,
      [null, quorumtool({ quorate: false, members: ['node1'] }), quorumtool({ quorate: true, members: all })],
      true,
      awk,
    );
    expect(run(shell, bin, { nodes: all, dc: true, timeout: 10 })).toMatchObject({
      code: 0,
      quorumCalls: 3,
      crmCalls: 1,
    });
  });

  it('times out naming the missing member, with the tool report; no DC asked without quorum', () => {
    const bin = scenario(
      `${shell}-${awk}-missing`,
      [quorumtool({ quorate: false, members: ['node1', 'node2'] })],
      true,
      awk,
    );
    const r = run(shell, bin, { nodes: all, dc: true, timeout: 1 });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'not reached in 1 s: missing members: node3; quorate: no; DC elected: not asked (members and quorum first)',
    );
    expect(r.stderr).toContain('Membership information');
    expect(r.crmCalls).toBe(0);
    expect(r.quorumCalls).toBeGreaterThanOrEqual(2);
  });

  it('quorate with every member but no DC: says so', () => {
    const bin = scenario(`${shell}-${awk}-nodc`, [quorumtool({ quorate: true, members: all })], false, awk);
    const r = run(shell, bin, { nodes: all, dc: true, timeout: 1 });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'missing members: none; quorate: yes; DC elected: no (crmadmin -D did not answer)',
    );
  });

  it('corosync not running: every member missing, not quorate, its error shown', () => {
    const bin = scenario(`${shell}-${awk}-down`, [null], true, awk);
    const r = run(shell, bin, { nodes: all, timeout: 1 });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('missing members: node1 node2 node3; quorate: no');
    expect(r.stderr).toContain('Cannot initialize QUORUM service');
  });

  it('a name matches whole: node1 is not seen in node10, a.b not in aXb', () => {
    const bin = scenario(
      `${shell}-${awk}-names`,
      [quorumtool({ quorate: true, members: ['node10', 'aXb', 'node2'] })],
      true,
      awk,
    );
    const r = run(shell, bin, { nodes: ['node1', 'a.b', 'node2'], timeout: 1 });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('missing members: node1 a.b; quorate: yes');
  });
});
