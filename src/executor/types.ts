import type { Connector } from '../connect/types.js';
import type { EventSink, HostRecap } from '../events/types.js';
import type { SecretMasker } from '../model/index.js';
import type { FactRequest, FileDiff } from '../ops/types.js';
import type { HostUniverse } from '../playbook/hosts.js';
import type { OpCatalog } from '../playbook/load.js';
import type { TemplateEnv } from '../playbook/template.js';
import type { Playbook } from '../playbook/types.js';
import type { DesiredState } from '../state/desired.js';
import type { FactSource } from './fact-cache.js';

export interface RunOptions {
  playbook: Playbook;
  /** Nodes and groups of the inventory (targets of `hosts:` and `--limit`). */
  hosts: HostUniverse;
  /** Variables every host sees (e.g. `inventory`, `cluster`, `nodes`, `groups`); play vars override them. */
  vars?: Record<string, unknown>;
  /** Variables of one host, computed from its facts (e.g. the file layout of its OS family). */
  hostVars?: (host: string, facts: Record<string, unknown>) => Record<string, unknown>;
  /** The connector of a host, one per host for the whole run (e.g. `pool.get(target)`). */
  connector(host: string): Connector;
  /**
   * The host's desired state (files of every component) for `config_file` tasks, its SELinux needs for
   * `selinux_policy` and its firewall rules for `firewall`; computed once per host.
   */
  desired?: (
    host: string,
    facts: Record<string, unknown>,
  ) => Pick<DesiredState, 'files' | 'packages'> & Partial<Pick<DesiredState, 'selinux' | 'firewall'>>;
  ops: OpCatalog;
  facts: FactSource;
  /** Facts gathered for every host during preflight (visible as `facts.NAME` in `when`). */
  baseFacts?: FactRequest[];
  templates: TemplateEnv;
  /** Directories the `template` task reads `src` from, first match wins (default: ./templates). */
  templatesDirs?: string[];
  events: EventSink;
  masker: SecretMasker;
  /** Renders one file diff for --diff (e.g. `formatFileDiff` from src/ops); sensitive diffs are withheld. */
  diff?: (d: FileDiff) => string;
  check?: boolean;
  showDiff?: boolean;
  /** --limit patterns (node names, groups, role:NAME, !pattern). */
  limit?: string[];
  tags?: string[];
  skipTags?: string[];
  /** Hosts a task runs on at once (default: all of them). */
  forks?: number;
  /** Abort (Ctrl-C): no new task or host starts; running commands finish. */
  signal?: AbortSignal;
  /** Per-command timeout for steps and fact gathering. */
  commandTimeoutMs?: number;
  /**
   * Called once after a successful preflight, before the first task, with the reachable targeted hosts (e.g. to
   * lock them). A HakitError it throws ends the run with the error's exit code and nothing changed.
   */
  beforeTasks?: (hosts: string[]) => Promise<void>;
  /**
   * Where notifications that did not reach their handler yet are recorded on each host (default
   * NOTIFY_MARKER_DIR; `false`: not recorded, as in Ansible). See executor/notify-markers.ts.
   */
  notifyMarkerDir?: string | false;
}

export interface RunResult {
  /**
   * 0 ok, 3 unreachable, 4 a task failed, 5 a rendered file was rejected by its validator, 6 the hosts are locked
   * by another run (from `beforeTasks`), 130 interrupted.
   */
  exitCode: number;
  recap: Record<string, HostRecap>;
  durationMs: number;
  interrupted: boolean;
}
