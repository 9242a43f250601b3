import { describe, expect, it } from 'vitest';
import type { DesiredSelinux } from '../../src/components/host-prep/selinux-needs.js';
import { selinuxPolicyArgs } from '../../src/components/host-prep/selinux-policy-op.js';
import { runPlaybook } from '../../src/executor/engine.js';
import type { Operation } from '../../src/ops/types.js';
import { parsePlaybook } from '../../src/playbook/load.js';
import { catalog, memoryRun, World } from './support/memory.js';

/** A stand-in selinux_policy (same argument schema) that records what the executor handed it, per host. */
function recorder(seen: Map<string, unknown>): Operation<unknown> {
  return {
    name: 'selinux_policy',
    args: selinuxPolicyArgs,
    facts: () => [],
    plan(a) {
      const spec = (a as { spec?: { node: string } }).spec;
      if (spec) seen.set(spec.node, spec);
      return { steps: [] };
    },
  } as Operation<unknown>;
}

const needs = (host: string): DesiredSelinux => ({
  mode: 'enforcing',
  ports: [{ port: host === 'n1' ? 8404 : 4444, proto: 'tcp', type: 'http_port_t', why: 'test', weak: true }],
  booleans: [{ name: 'haproxy_connect_any', value: true, why: 'test' }],
  packages: ['policycoreutils-python-utils'],
});

describe('selinux_policy: the executor fills in the host’s SELinux needs from its desired state', () => {
  it('`selinux_policy: {}` reaches the operation with that host’s ports and booleans (no list in the playbook)', async () => {
    const seen = new Map<string, unknown>();
    const ops = catalog([recorder(seen)]);
    const pb = parsePlaybook('/virtual/p.yaml', '- hosts: all\n  tasks:\n    - selinux_policy: {}\n', ops);
    const { opts } = memoryRun(new World(), pb, {
      ops,
      desired: (host) => ({ files: [], packages: [], selinux: needs(host) }),
    });
    const r = await runPlaybook(opts);
    expect(r.exitCode).toBe(0);
    expect(seen.get('n1')).toEqual({ node: 'n1', ...needs('n1') });
    expect(seen.get('n2')).toEqual({ node: 'n2', ...needs('n2') });
    expect(seen.size).toBe(3);
  });

  it('a run without a desired state fails the task with a clear message', async () => {
    const seen = new Map<string, unknown>();
    const ops = catalog([recorder(seen)]);
    const pb = parsePlaybook('/virtual/p.yaml', '- hosts: n1\n  tasks:\n    - selinux_policy: {}\n', ops);
    const { opts, events } = memoryRun(new World(), pb, { ops });
    const r = await runPlaybook(opts);
    expect(r.exitCode).toBe(4);
    expect(JSON.stringify(events)).toContain('selinux_policy: this run has no desired state');
  });
});
