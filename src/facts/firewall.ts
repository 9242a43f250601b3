import { z } from 'zod';
import { ParseProblem } from './errors.js';
import { lines } from './lines.js';
import { parseSections } from './sections.js';
import type { Fact } from './types.js';

const firewalldLists = z.object({
  /** `--list-ports`: `PORT/PROTO` entries. */
  ports: z.array(z.string()),
  /** `--list-rich-rules`: one rule per entry, as firewalld prints it. */
  richRules: z.array(z.string()),
});

export const firewallSchema = z.object({
  /** Absent: ufw is not installed. */
  ufw: z
    .object({
      /** `ufw status`: Status: active. */
      active: z.boolean(),
      /** ENABLED=yes in /etc/ufw/ufw.conf (started at boot). */
      enabledAtBoot: z.boolean(),
      /** DEFAULT_INPUT_POLICY of /etc/default/ufw (DROP, REJECT, ACCEPT). */
      defaultIncoming: z.string(),
      /** `ufw show added`: each rule as the ufw command that adds it, without the leading `ufw ` (e.g. `allow 22/tcp comment 'hakit ssh'`). */
      rules: z.array(z.string()),
    })
    .nullable(),
  /** Absent: firewalld is not installed. */
  firewalld: z
    .object({
      running: z.boolean(),
      /** `systemctl is-enabled firewalld` says enabled. */
      enabled: z.boolean(),
      /** The permanent configuration (firewall-offline-cmd when the daemon is not running). */
      permanent: firewalldLists,
      /** The runtime configuration; null when the daemon is not running. */
      runtime: firewalldLists.nullable(),
    })
    .nullable(),
});
export type FirewallInfo = z.infer<typeof firewallSchema>;

const SECTIONS = [
  'ufw_status',
  'ufw_added',
  'fwd_perm_ports',
  'fwd_perm_rich',
  'fwd_run_ports',
  'fwd_run_rich',
] as const;
type Section = (typeof SECTIONS)[number];
const KEYS = ['ufw', 'firewalld', 'ufw_policy', 'ufw_enabled', 'fwd_state', 'fwd_enabled'];

/** Runs a command as a section: its output between `@NAME` and `@rc=CODE`. */
const section = (name: Section, cmd: string) => [
  `  echo '@${name}'`,
  `  LC_ALL=C ${cmd} 2>/dev/null`,
  // A leading newline in case the last row had none (empty lines are dropped).
  '  printf \'\\n@rc=%s\\n\' "$?"',
];

/**
 * The host firewall as hakit manages it, in one round trip (root: ufw and firewall-cmd need it):
 * - ufw, when installed: `ufw status` (active or not), `ufw show added` (the rules as the commands that add
 *   them, also while ufw is inactive), DEFAULT_INPUT_POLICY from /etc/default/ufw and ENABLED from
 *   /etc/ufw/ufw.conf.
 * - firewalld, when installed: `firewall-cmd --state`, `systemctl is-enabled firewalld`, the default zone's ports
 *   and rich rules, permanent (firewall-offline-cmd when the daemon is down) and runtime (when it runs).
 */
export const firewallFact: Fact<FirewallInfo> = {
  name: 'firewall',
  become: true,
  command: () =>
    [
      'echo firewall',
      'if command -v ufw >/dev/null 2>&1; then',
      '  echo ufw=yes',
      ...section('ufw_status', 'ufw status'),
      ...section('ufw_added', 'ufw show added'),
      `  printf 'ufw_policy=%s\\n' "$(sed -n 's/^DEFAULT_INPUT_POLICY=//p' /etc/default/ufw 2>/dev/null | tr -d '"' | tail -n1)"`,
      `  printf 'ufw_enabled=%s\\n' "$(sed -n 's/^ENABLED=//p' /etc/ufw/ufw.conf 2>/dev/null | tr -d '"' | tail -n1)"`,
      'else echo ufw=no; fi',
      'if command -v firewall-cmd >/dev/null 2>&1; then',
      '  echo firewalld=yes',
      '  if [ "$(firewall-cmd --state 2>/dev/null)" = running ]; then',
      '    echo fwd_state=running',
      '    printf \'fwd_enabled=%s\\n\' "$(systemctl is-enabled firewalld 2>/dev/null)"',
      ...section('fwd_perm_ports', 'firewall-cmd --permanent --list-ports').map((l) => `  ${l}`),
      ...section('fwd_perm_rich', 'firewall-cmd --permanent --list-rich-rules').map((l) => `  ${l}`),
      ...section('fwd_run_ports', 'firewall-cmd --list-ports').map((l) => `  ${l}`),
      ...section('fwd_run_rich', 'firewall-cmd --list-rich-rules').map((l) => `  ${l}`),
      '  else',
      '    echo fwd_state=stopped',
      '    printf \'fwd_enabled=%s\\n\' "$(systemctl is-enabled firewalld 2>/dev/null)"',
      ...section('fwd_perm_ports', 'firewall-offline-cmd --list-ports').map((l) => `  ${l}`),
      ...section('fwd_perm_rich', 'firewall-offline-cmd --list-rich-rules').map((l) => `  ${l}`),
      '  fi',
      'else echo firewalld=no; fi',
    ].join('\n'),
  parse(stdout) {
    const ls = lines(stdout);
    if (ls[0] !== 'firewall') throw new ParseProblem('missing header line');
    const kv = new Map<string, string>();
    const body = parseSections(ls.slice(1), SECTIONS, {
      failed: (open, rc) => `${open.replace(/_/g, ' ')} failed (exit ${rc})`,
      cutShort: (open) => `the ${open.replace(/_/g, ' ')} output is cut short`,
      keyLine: (k, v, l) => {
        if (!KEYS.includes(k) || kv.has(k)) throw new ParseProblem(`unexpected line "${l.slice(0, 40)}"`);
        kv.set(k, v);
      },
    });
    let ufw: FirewallInfo['ufw'] = null;
    if (kv.get('ufw') === 'yes') {
      const status = (body.ufw_status ?? [])[0] ?? '';
      const m = /^Status: (active|inactive)$/.exec(status.trim());
      if (!m) throw new ParseProblem(`unexpected ufw status "${status.slice(0, 40)}"`);
      const added = body.ufw_added ?? [];
      if (!added[0]?.startsWith('Added user rules'))
        throw new ParseProblem('unexpected ufw show added output');
      ufw = {
        active: m[1] === 'active',
        enabledAtBoot: (kv.get('ufw_enabled') ?? '').toLowerCase() === 'yes',
        defaultIncoming: (kv.get('ufw_policy') ?? '').toUpperCase(),
        rules: added
          .slice(1)
          .filter((r) => r.startsWith('ufw '))
          .map((r) => r.slice(4).trim()),
      };
    } else if (kv.get('ufw') !== 'no') throw new ParseProblem('missing ufw= line');
    let firewalld: FirewallInfo['firewalld'] = null;
    if (kv.get('firewalld') === 'yes') {
      const running = kv.get('fwd_state') === 'running';
      const ports = (b?: string[]) => (b ?? []).flatMap((l) => l.trim().split(/\s+/)).filter(Boolean);
      const rich = (b?: string[]) => (b ?? []).map((l) => l.trim().replace(/\s+/g, ' ')).filter(Boolean);
      firewalld = {
        running,
        enabled: kv.get('fwd_enabled') === 'enabled',
        permanent: { ports: ports(body.fwd_perm_ports), richRules: rich(body.fwd_perm_rich) },
        runtime: running ? { ports: ports(body.fwd_run_ports), richRules: rich(body.fwd_run_rich) } : null,
      };
    } else if (kv.get('firewalld') !== 'no') throw new ParseProblem('missing firewalld= line');
    return { ufw, firewalld };
  },
  schema: firewallSchema,
};
