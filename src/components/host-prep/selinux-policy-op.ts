import { z } from 'zod';
import type { OsInfo } from '../../facts/os.js';
import type { SelinuxInfo } from '../../facts/selinux.js';
import type { SelinuxPolicy, SelinuxPortEntry } from '../../facts/selinux-policy.js';
import { need } from '../../ops/common.js';
import { PlanError } from '../../ops/errors.js';
import type { FactRequest, Operation, Plan, Step } from '../../ops/types.js';

const OP = 'selinux_policy';
const OS: FactRequest = { fact: 'os' };
const SELINUX: FactRequest = { fact: 'selinux' };
const POLICY: FactRequest = { fact: 'selinux_policy' };

const name = z.string().regex(/^[a-z][a-z0-9_]*$/, 'not an SELinux identifier');

/** The host's SELinux needs (host-prep/selinux-needs.ts), filled in by the executor from its desired state. */
export const selinuxPolicySpec = z.strictObject({
  node: z.string().min(1),
  mode: z.enum(['enforcing', 'permissive', 'disabled']),
  ports: z.array(
    z.strictObject({
      port: z.number().int().min(1).max(65535),
      proto: z.enum(['tcp', 'udp']),
      type: name,
      why: z.string(),
      weak: z.boolean().optional(),
    }),
  ),
  booleans: z.array(z.strictObject({ name, value: z.boolean(), why: z.string() })),
  packages: z.array(z.string()),
});
export type SelinuxPolicySpec = z.infer<typeof selinuxPolicySpec>;

export const selinuxPolicyArgs = z.strictObject({
  /** Resolved from the host's desired state (`selinux_policy: {}` in a playbook); never written by hand. */
  spec: selinuxPolicySpec.optional(),
});
type SelinuxPolicyArgs = z.infer<typeof selinuxPolicyArgs>;

/**
 * Port types that only say "no service claims this port" (reserved_port_t 1-511, hi_reserved_port_t 512-1023,
 * unreserved_port_t, ephemeral_port_t; port_t for a port no rule covers): a port of these types is free.
 */
const GENERIC = new Set([
  'port_t',
  'reserved_port_t',
  'hi_reserved_port_t',
  'unreserved_port_t',
  'ephemeral_port_t',
]);

const covers = (e: SelinuxPortEntry, proto: string, port: number) =>
  e.proto === proto && e.low <= port && port <= e.high;

/**
 * The type the kernel gives `proto/port`: the narrowest definition that covers it (a single port beats a range,
 * as in the compiled policy), a local one (`semanage port -l -C`) before the policy's on a tie; port_t when none.
 */
export function portType(p: SelinuxPolicy, proto: string, port: number): string {
  const isLocal = (e: SelinuxPortEntry) =>
    p.localPorts.some(
      (l) => l.type === e.type && l.proto === e.proto && l.low === e.low && l.high === e.high,
    );
  let best: SelinuxPortEntry | undefined;
  let bestLocal = false;
  for (const e of p.ports) {
    if (!covers(e, proto, port)) continue;
    const local = isLocal(e);
    const width = e.high - e.low;
    const bw = best ? best.high - best.low : Number.POSITIVE_INFINITY;
    if (width < bw || (width === bw && local && !bestLocal)) {
      best = e;
      bestLocal = local;
    }
  }
  return best?.type ?? 'port_t';
}

/** `-m` when the exact port is already defined (in the policy or locally; `-a` would fail "already defined"). */
function portCommand(p: SelinuxPolicy, need: SelinuxPolicySpec['ports'][number]): string {
  const defined = [...p.ports, ...p.localPorts].some(
    (e) => e.proto === need.proto && e.low === need.port && e.high === need.port,
  );
  return `semanage port ${defined ? '-m' : '-a'} -t ${need.type} -p ${need.proto} ${need.port}`;
}

/**
 * The SELinux port labels and booleans the cluster's daemons need on a RHEL-like host (host-prep/selinux-needs.ts:
 * HAProxy's listeners and `haproxy_connect_any`, Galera's ports as `mysqld_port_t`, `daemons_enable_cluster_mode`
 * on cluster members), SELinux kept enforcing. Only what differs is changed: a port whose type is already right
 * and a boolean already at its value plan nothing (a rerun changes nothing). Permissive hosts get the same (their
 * denials are only logged, and a later switch to enforcing then works). Nothing on Debian, on a host without
 * SELinux or with SELinux disabled, nor when the inventory says `disabled`. `semanage` missing where a port needs
 * a label: PlanError naming the host and the package, before any change.
 */
export const selinuxPolicyOp: Operation<SelinuxPolicyArgs> = {
  name: OP,
  args: selinuxPolicyArgs,
  facts: () => [OS, SELINUX, POLICY],
  plan(a, facts): Plan {
    const os = need<OsInfo>(OP, facts, OS);
    if (os.family !== 'rhel') return { steps: [] };
    const s = a.spec;
    if (!s) throw new PlanError(OP, 'the SELinux needs were not resolved from the desired state');
    const se = need<SelinuxInfo>(OP, facts, SELINUX);
    if (se.state === 'absent' || se.state === 'disabled' || s.mode === 'disabled') return { steps: [] };
    const p = need<SelinuxPolicy>(OP, facts, POLICY);
    if (!p.enabled) return { steps: [] };
    if (s.ports.length && !p.semanage)
      throw new PlanError(
        OP,
        `${s.node}: semanage is missing, so the ports ${s.ports.map((x) => `${x.proto}/${x.port}`).join(', ')} cannot be labelled: install ${s.packages.join(' ') || 'policycoreutils-python-utils'} (hakit's prepare playbook does so before this task) and rerun`,
      );
    const unknown = s.booleans.filter((b) => !(b.name in p.booleans)).map((b) => b.name);
    if (unknown.length)
      throw new PlanError(
        OP,
        `${s.node}: the loaded SELinux policy has no boolean ${unknown.join(', ')} (selinux-policy-targeted too old or another policy): update it, or set the equivalent by hand`,
      );
    const steps: Step[] = [];
    const what: string[] = [];
    for (const n of s.ports) {
      const now = portType(p, n.proto, n.port);
      if (now === n.type) continue;
      // HAProxy's listeners: a port another service's type claims keeps it (haproxy_connect_any binds it).
      if (n.weak && !GENERIC.has(now)) continue;
      steps.push({ kind: 'exec', command: portCommand(p, n) });
      what.push(`${n.proto}/${n.port} ${n.type}${GENERIC.has(now) ? '' : ` (was ${now})`} for ${n.why}`);
    }
    const flip = s.booleans.filter((b) => p.booleans[b.name] !== b.value);
    if (flip.length) {
      steps.push({
        kind: 'exec',
        command: `setsebool -P ${flip.map((b) => `${b.name}=${b.value ? 'on' : 'off'}`).join(' ')}`,
      });
      what.push(...flip.map((b) => `${b.name}=${b.value ? 'on' : 'off'} (${b.why})`));
    }
    return steps.length ? { steps, summary: `SELinux: ${what.join('; ')}` } : { steps };
  },
};
