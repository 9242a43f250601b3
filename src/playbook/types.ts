/** The checked, positioned form of a playbook (what `loadPlaybook` returns and the executor runs). */

/** Where something was written, for error messages: `file:line:column` and the field path. */
export interface SourceRef {
  file: string;
  line: number;
  column: number;
  path: string;
}

export interface Task {
  name: string;
  /** Operation name (a registered op), or `meta` for `meta: flush_handlers`. */
  op: string;
  /** Raw (untemplated) arguments; templated per host and checked by the op's zod schema at run time. */
  args: unknown;
  when: Array<string | boolean>;
  /** A list, or a template string that renders to a list (e.g. `{{ nodes }}`). */
  loop?: unknown;
  loopVar: string;
  register?: string;
  notify: string[];
  /** Own tags plus the play's tags. */
  tags: string[];
  become?: boolean;
  changedWhen?: string | boolean;
  failedWhen?: string | boolean;
  ignoreErrors: boolean;
  runOnce: boolean;
  /** `check_mode: false`: a read-only probe that really runs under --check (Ansible semantics). */
  checkMode?: boolean;
  vars: Record<string, unknown>;
  /** Handlers only: extra names this handler answers to. */
  listen: string[];
  where: SourceRef;
}

export interface Play {
  name: string;
  /** Host patterns: node names, group names, `role:NAME`, `all`. */
  hosts: string[];
  /** Rolling batches: sizes (numbers or percentages); the last one repeats. Empty: all hosts at once. */
  serial: Array<number | string>;
  anyErrorsFatal: boolean;
  ignoreUnreachable: boolean;
  become?: boolean;
  vars: Record<string, unknown>;
  tags: string[];
  tasks: Task[];
  handlers: Task[];
  where: SourceRef;
}

export interface Playbook {
  /** Absolute path of the playbook file. */
  file: string;
  plays: Play[];
}
