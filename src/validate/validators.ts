import type { RenderedFile } from '../render/types.js';
import type { NodeNetwork } from './netns.js';
import type { ValidationStatus } from './types.js';

/**
 * One validator per kind of file: the real tool the service itself would use, run on a temporary copy.
 * `prepare` turns the file into the command to run (and any wrapper files); `judge` reads the outcome.
 */
export interface ValidatorSpec {
  /** Short name shown in reports, e.g. `haproxy -c`. */
  name: string;
  /** Executable looked up on PATH; missing → skipped. */
  binary: string;
  /** Whether the result depends on the node (its addresses/name), not only on the content. */
  perNode: boolean;
  /** Needs the node's network to check fully; without it the result is at most `partial`. */
  needsNodeNetwork: boolean;
  prepare(file: RenderedFile, ctx: PrepareContext): Prepared;
  /**
   * Decides passed/failed/partial from the exit code and the cleaned output (`out`: stderr, or stdout when stderr
   * is empty). Default: exit 0 passes, anything else fails with `out`.
   */
  judge?(exitCode: number | null, out: string, isolated: boolean, stdout: string): Judgement;
}

export interface Judgement {
  status: ValidationStatus;
  message?: string;
}

export function defaultJudge(code: number | null, out: string): Judgement {
  return code === 0 ? { status: 'passed' } : { status: 'failed', message: out || `exit ${code}` };
}

export interface PrepareContext {
  /** Path of the temporary copy of the file. */
  file: string;
  /** Absolute path of the validator binary. */
  bin: string;
  /** Writes a helper file next to the copy; returns its path. */
  write(name: string, content: string): string;
  /** Link addresses of the node. */
  addresses: string[];
}

export interface Prepared {
  argv: string[];
  env?: Record<string, string>;
  network?: NodeNetwork;
}

/** Noise some validators print on every run that says nothing about the file. */
const NOISE = [
  /^sh: \d+: modinfo: not found$/,
  /^\s*found __DRBD_NODE__ in environment$/,
  /^\s*PRETENDING that I am >>.*<<$/,
  /Could not increase number of max_open_files/,
  /Could not open mysql\.plugin table/,
];

export function cleanOutput(text: string): string {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '' && !NOISE.some((re) => re.test(l)))
    .join('\n')
    .trim();
}

const haproxy: ValidatorSpec = {
  name: 'haproxy -c',
  binary: 'haproxy',
  perNode: false,
  needsNodeNetwork: false,
  prepare: (_f, c) => ({ argv: [c.bin, '-c', '-f', c.file] }),
};

const keepalived: ValidatorSpec = {
  name: 'keepalived -t',
  binary: 'keepalived',
  perNode: true,
  needsNodeNetwork: true,
  prepare: (f, c) => ({
    argv: [c.bin, '-t', '-f', c.file],
    network: {
      addresses: c.addresses,
      interfaces: [...new Set([...f.content.matchAll(/^\s*interface\s+(\S+)/gm)].map((m) => m[1]!))],
    },
  }),
};

const chrony: ValidatorSpec = {
  name: 'chronyd -p',
  binary: 'chronyd',
  perNode: false,
  needsNodeNetwork: false,
  prepare: (_f, c) => ({ argv: [c.bin, '-p', '-f', c.file] }),
};

/** drbdadm reads a drbd.conf: the .res is included from a minimal one, and read as each member in turn. */
const drbd: ValidatorSpec = {
  name: 'drbdadm dump',
  binary: 'drbdadm',
  perNode: true,
  needsNodeNetwork: true,
  prepare: (f, c) => {
    const conf = c.write('drbd.conf', `global { usage-count no; }\ninclude "${c.file}";\n`);
    const onBlock =
      new RegExp(`\\bon\\s+${f.node.replace(/[.-]/g, '\\$&')}\\s*\\{([^}]*)\\}`).exec(f.content)?.[1] ?? '';
    const own = /address\s+(?:ipv6\s+\[)?([0-9A-Fa-f.:]+?)\]?:\d+\s*;/.exec(onBlock)?.[1];
    return {
      argv: [c.bin, '-c', conf, 'dump', 'all'],
      env: { __DRBD_NODE__: f.node },
      network: { addresses: [...c.addresses, ...(own ? [own] : [])], interfaces: [] },
    };
  },
  judge: (code, out, isolated) => {
    if (code === 0) return { status: 'passed' };
    const lines = out
      .split('\n')
      .filter((l) => !/not found on this host|^\S.*: in resource \S+, on \S+:$/.test(l.trim()));
    if (!isolated && lines.every((l) => l.trim() === ''))
      return { status: 'partial', message: 'parsed only: the node address is not on this machine' };
    return { status: 'failed', message: out || `exit ${code}` };
  },
};

const corosync: ValidatorSpec = {
  name: 'corosync -t',
  binary: 'corosync',
  perNode: true,
  needsNodeNetwork: true,
  prepare: (_f, c) => ({
    argv: [c.bin, '-t', '-c', c.file],
    network: { addresses: c.addresses, interfaces: [], corosyncKey: true },
  }),
  judge: (code, out, isolated) => {
    if (code === 0) return { status: 'passed' };
    const real = out
      .split('\n')
      .filter(
        (l) =>
          !/No valid name found for local host|Could not open \/etc\/corosync\/authkey|Corosync Cluster Engine exiting with status/.test(
            l,
          ),
      );
    if (!isolated && real.every((l) => l.trim() === ''))
      return {
        status: 'partial',
        message: 'parsed only: a full check needs the node network (root or user namespaces)',
      };
    return { status: 'failed', message: out || `exit ${code}` };
  },
};

/**
 * crm_verify needs a complete CIB: the configuration is wrapped in <cib> with a status section in which every
 * node is online and the cluster has quorum, so warnings come from the configuration, not from an empty status.
 */
export function wrapCib(configuration: string): string {
  const body = configuration.replace(/^<!--[\s\S]*?-->\n/, '');
  const states = [...body.matchAll(/<node id="([^"]+)" uname="([^"]+)"/g)].map(
    (m) =>
      `    <node_state id="${m[1]}" uname="${m[2]}" in_ccm="true" crmd="online" join="member" expected="member"/>`,
  );
  const dc = /<node id="([^"]+)"/.exec(body)?.[1];
  return [
    `<cib validate-with="pacemaker-3.7" crm_feature_set="3.16.2" epoch="1" num_updates="0" admin_epoch="0" have-quorum="1"${dc ? ` dc-uuid="${dc}"` : ''}>`,
    body.trimEnd(),
    '  <status>',
    ...states,
    '  </status>',
    '</cib>',
    '',
  ].join('\n');
}

const cib: ValidatorSpec = {
  name: 'crm_verify',
  binary: 'crm_verify',
  perNode: false,
  needsNodeNetwork: false,
  prepare: (f, c) => {
    const full = c.write('cib-full.xml', wrapCib(f.content));
    return { argv: [c.bin, '--xml-file', full, '-V'] };
  },
  judge: (code, out) => {
    if (code === 0 && !/\b(warning|error):/i.test(out)) return { status: 'passed' };
    return { status: 'failed', message: out || `exit ${code}` };
  },
};

const galera: ValidatorSpec = {
  name: 'mariadbd --help',
  binary: 'mariadbd',
  perNode: false,
  needsNodeNetwork: false,
  prepare: (_f, c) => ({ argv: [c.bin, `--defaults-file=${c.file}`, '--help', '--verbose'] }),
  judge: (code, out, _isolated, stdout) => {
    // stdout is the (long) help text; only errors matter.
    const errors = `${out}\n${stdout}`
      .split('\n')
      .filter((l) => /\[ERROR\]|unknown (variable|option)/i.test(l));
    if (code === 0 && errors.length === 0) return { status: 'passed' };
    return { status: 'failed', message: errors.join('\n') || `exit ${code}` };
  },
};

const shell: ValidatorSpec = {
  name: 'sh -n',
  binary: 'sh',
  perNode: false,
  needsNodeNetwork: false,
  prepare: (_f, c) => ({ argv: [c.bin, '-n', c.file] }),
};

/** The validator for a rendered file, or null when hakit knows none for it. */
export function validatorFor(file: RenderedFile): ValidatorSpec | null {
  switch (file.kind) {
    case 'haproxy':
      return haproxy;
    case 'keepalived':
      return keepalived;
    case 'chrony':
      return chrony;
    case 'drbd':
      return drbd;
    case 'corosync':
      return corosync;
    case 'cib':
      return cib;
    case 'galera':
      return galera;
    case 'garbd':
      return shell;
    case 'galera-check':
      return file.template.endsWith('.sh.hbs') ? shell : null;
    case 'hosts-block':
    case 'corosync-authkey':
      return null;
  }
}
