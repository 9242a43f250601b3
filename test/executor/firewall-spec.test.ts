import { describe, expect, it } from 'vitest';
import type { DesiredFirewall } from '../../src/components/host-prep/firewall-needs.js';
import { firewallArgs } from '../../src/components/host-prep/firewall-op.js';
import { runPlaybook } from '../../src/executor/engine.js';
import type { Operation } from '../../src/ops/types.js';
import { parsePlaybook } from '../../src/playbook/load.js';
import { catalog, memoryRun, World } from './support/memory.js';

/** A stand-in firewall (same argument schema) that records what the executor handed it, per host. */
function recorder(seen: Map<string, unknown>): Operation<unknown> {
  return {
    name: 'firewall',
    args: firewallArgs,
    facts: () => [],
    plan(a) {
      const spec = (a as { spec?: { node: string } }).spec;
      if (spec) seen.set(spec.node, spec);
      return { steps: [] };
    },
  } as Operation<unknown>;
}

const rules = (host: string): DesiredFirewall => ({
  mode: 'manage',
  rules: [
    { proto: 'tcp', ports: [22], from: null, comment: 'hakit ssh' },
    { proto: 'udp', ports: [5405], from: host === 'n1' ? '10.0.0.2' : '10.0.0.1', comment: 'hakit cluster' },
  ],
  packages: ['ufw'],
});

describe('firewall: the executor fills in the host’s rules from its desired state', () => {
  it('`firewall: {}` reaches the operation with that host’s rules (no port list in the playbook)', async () => {
    const seen = new Map<string, unknown>();
    const ops = catalog([recorder(seen)]);
    const pb = parsePlaybook('/virtual/p.yaml', '- hosts: all\n  tasks:\n    - firewall: {}\n', ops);
    const { opts } = memoryRun(new World(), pb, {
      ops,
      desired: (host) => ({ files: [], packages: [], firewall: rules(host) }),
    });
    const r = await runPlaybook(opts);
    expect(r.exitCode).toBe(0);
    expect(seen.get('n1')).toEqual({ node: 'n1', ...rules('n1') });
    expect(seen.get('n2')).toEqual({ node: 'n2', ...rules('n2') });
    expect(seen.size).toBe(3);
  });

  it('a run without a desired state fails the task with a clear message', async () => {
    const ops = catalog([recorder(new Map())]);
    const pb = parsePlaybook('/virtual/p.yaml', '- hosts: n1\n  tasks:\n    - firewall: {}\n', ops);
    const { opts, events } = memoryRun(new World(), pb, { ops });
    const r = await runPlaybook(opts);
    expect(r.exitCode).toBe(4);
    expect(JSON.stringify(events)).toContain('firewall: this run has no desired state');
  });
});
