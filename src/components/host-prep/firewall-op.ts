import { z } from 'zod';
import type { FirewallInfo } from '../../facts/firewall.js';
import type { OsInfo } from '../../facts/os.js';
import { need } from '../../ops/common.js';
import { PlanError } from '../../ops/errors.js';
import type { FactRequest, Operation, Plan, Step } from '../../ops/types.js';
import { shq } from '../../shell/posix.js';
import type { FirewallRule } from './firewall-needs.js';

const OP = 'firewall';
const OS: FactRequest = { fact: 'os' };
const FIREWALL: FactRequest = { fact: 'firewall' };

const address = z.string().regex(/^[0-9A-Fa-f.:]+(\/\d{1,3})?$/, 'not an IP address');

/** The host's firewall rules (host-prep/firewall-needs.ts), filled in by the executor from its desired state. */
export const firewallSpec = z.strictObject({
  node: z.string().min(1),
  mode: z.enum(['manage', 'leave', 'disabled']),
  rules: z.array(
    z.strictObject({
      proto: z.enum(['tcp', 'udp', 'vrrp']),
      ports: z.array(z.number().int().min(1).max(65535)).max(15),
      from: address.nullable(),
      comment: z.string().regex(/^hakit[A-Za-z0-9 ._-]*$/),
    }),
  ),
  packages: z.array(z.string()),
});
export type FirewallSpec = z.infer<typeof firewallSpec>;

export const firewallArgs = z.strictObject({
  /** Resolved from the host's desired state (`firewall: {}` in a playbook); never written by hand. */
  spec: firewallSpec.optional(),
});
type FirewallArgs = z.infer<typeof firewallArgs>;

/** A rule as `ufw show added` prints it (without the leading `ufw `); also the arguments that add it. */
export function ufwRule(r: FirewallRule): string {
  const comment = `comment '${r.comment}'`;
  if (r.proto === 'vrrp') return `allow from ${r.from ?? 'any'} proto vrrp ${comment}`;
  if (r.from === null) return `allow ${r.ports.join(',')}/${r.proto} ${comment}`;
  return `allow from ${r.from} to any port ${r.ports.join(',')} proto ${r.proto} ${comment}`;
}

/** ufw rules hakit added (their comment starts with `hakit`). */
const isHakitUfwRule = (rule: string) => / comment 'hakit[^']*'$/.test(rule);

/** firewalld entries of a rule: `--add-port` values for public ones, rich rules (one per port) for sourced ones. */
export function firewalldEntries(r: FirewallRule): Array<{ port: string } | { rich: string }> {
  if (r.from === null) return r.ports.map((p) => ({ port: `${p}/${r.proto}` }));
  const family = r.from.includes(':') ? 'ipv6' : 'ipv4';
  const head = `rule family="${family}" source address="${r.from}"`;
  if (r.proto === 'vrrp') return [{ rich: `${head} protocol value="vrrp" accept` }];
  return r.ports.map((p) => ({ rich: `${head} port port="${p}" protocol="${r.proto}" accept` }));
}

function planUfw(s: FirewallSpec, fw: FirewallInfo): Plan {
  const ufw = fw.ufw;
  if (!ufw)
    throw new PlanError(
      OP,
      `${s.node}: ufw is not installed, so host_prep.firewall: manage cannot open the cluster's ports: install ufw (hakit's prepare playbook does so before this task) and rerun`,
    );
  const want = s.rules.map(ufwRule);
  const have = new Set(ufw.rules);
  const steps: Step[] = [];
  const added = want.filter((r) => !have.has(r));
  for (const r of added) steps.push({ kind: 'exec', command: `ufw ${r}` });
  const wanted = new Set(want);
  const removed = ufw.rules.filter((r) => isHakitUfwRule(r) && !wanted.has(r));
  for (const r of removed) steps.push({ kind: 'exec', command: `ufw delete ${r}` });
  const what: string[] = [];
  if (added.length) what.push(`${added.length} rule${added.length === 1 ? '' : 's'} added`);
  if (removed.length)
    what.push(`${removed.length} hakit rule${removed.length === 1 ? '' : 's'} no longer needed removed`);
  if (ufw.defaultIncoming !== 'DROP') {
    steps.push({ kind: 'exec', command: 'ufw default deny incoming' });
    what.push('incoming denied by default');
  }
  if (!ufw.active || !ufw.enabledAtBoot) {
    steps.push({ kind: 'exec', command: 'ufw --force enable' });
    what.push('enabled');
  }
  return steps.length ? { steps, summary: `ufw: ${what.join(', ')}` } : { steps };
}

function planFirewalld(s: FirewallSpec, fw: FirewallInfo): Plan {
  const f = fw.firewalld;
  if (!f)
    throw new PlanError(
      OP,
      `${s.node}: firewalld is not installed, so host_prep.firewall: manage cannot open the cluster's ports (nothing was changed): install it (dnf install firewalld) and rerun, or set host_prep.firewall to leave`,
    );
  const entries = s.rules.flatMap(firewalldEntries);
  const has = (l: { ports: string[]; richRules: string[] }, e: { port: string } | { rich: string }) =>
    'port' in e ? l.ports.includes(e.port) : l.richRules.includes(e.rich);
  const arg = (e: { port: string } | { rich: string }) =>
    'port' in e ? `--add-port=${e.port}` : `--add-rich-rule=${shq(e.rich)}`;
  const steps: Step[] = [];
  const what: string[] = [];
  if (!f.running || !f.enabled) {
    steps.push({ kind: 'exec', command: 'systemctl enable --now firewalld' });
    what.push(f.running ? 'enabled' : 'started and enabled');
  }
  const perm = entries.filter((e) => !has(f.permanent, e));
  // A daemon started above loads the permanent configuration: what it lacks, the runtime lacks too.
  const run = f.runtime ? entries.filter((e) => !has(f.runtime as typeof f.permanent, e)) : perm;
  if (perm.length)
    steps.push({ kind: 'exec', command: `firewall-cmd --permanent ${perm.map(arg).join(' ')}` });
  if (run.length) steps.push({ kind: 'exec', command: `firewall-cmd ${run.map(arg).join(' ')}` });
  if (perm.length) what.push(`${perm.length} permanent`);
  if (run.length) what.push(`${run.length} runtime`);
  return steps.length ? { steps, summary: `firewalld: ${what.join(', ')}` } : { steps };
}

function planDisabled(fw: FirewallInfo): Plan {
  const steps: Step[] = [];
  if (fw.ufw && (fw.ufw.active || fw.ufw.enabledAtBoot)) steps.push({ kind: 'exec', command: 'ufw disable' });
  if (fw.firewalld && (fw.firewalld.running || fw.firewalld.enabled))
    steps.push({ kind: 'exec', command: 'systemctl disable --now firewalld' });
  return steps.length
    ? {
        steps,
        summary: `WARNING: host_prep.firewall is disabled: ${[fw.ufw ? 'ufw' : '', fw.firewalld ? 'firewalld' : ''].filter(Boolean).join(' and ')} stopped and disabled, every port of this host is open`,
      }
    : { steps };
}

/**
 * The host firewall, from the host's desired state (host-prep/firewall-needs.ts):
 * - `manage`, Debian-like hosts: ufw gets the rules it lacks (`ufw allow …`, commented `hakit …`), loses the
 *   `hakit` rules no longer needed (others' rules are left alone), incoming traffic is denied by default and ufw is
 *   enabled (SSH's rule is added first). RHEL-like hosts: firewalld is started and enabled, and its default zone
 *   gets the missing ports (`--add-port`, anyone) and rich rules (one source address and port each), permanent
 *   and runtime; nothing is removed there (firewalld rules carry no mark to tell hakit's apart). firewalld
 *   missing: PlanError before any change.
 * - `disabled`: ufw and firewalld, where installed and on, are stopped and disabled (the summary warns).
 * - `leave`: nothing.
 * Only what differs from the `firewall` fact is planned: a rerun changes nothing.
 */
export const firewallOp: Operation<FirewallArgs> = {
  name: OP,
  args: firewallArgs,
  facts: () => [OS, FIREWALL],
  plan(a, facts): Plan {
    const s = a.spec;
    if (!s) throw new PlanError(OP, 'the firewall rules were not resolved from the desired state');
    if (s.mode === 'leave') return { steps: [] };
    const fw = need<FirewallInfo>(OP, facts, FIREWALL);
    if (s.mode === 'disabled') return planDisabled(fw);
    const os = need<OsInfo>(OP, facts, OS);
    if (os.family === 'debian') return planUfw(s, fw);
    if (os.family === 'rhel') return planFirewalld(s, fw);
    throw new PlanError(OP, `${s.node}: no firewall support for OS family ${os.family}`);
  },
};
