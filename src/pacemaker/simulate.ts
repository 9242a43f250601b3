import { HakitError } from '../errors/index.js';

/**
 * What Pacemaker would do: the "Transition Summary" section of `crm_simulate --run` (text output, Pacemaker 2.1),
 * parsed into typed actions, and a short text for operators. Pure: no I/O.
 *
 * Pacemaker prints one item per resource instance and node: `* CHANGE RESOURCE ( DETAILS )[  REASON]`, where
 * DETAILS is `node`, `Role node`, `a -> b`, `a -> b Role`, `Role -> Role node` or `Role a -> Role b`, and REASON is
 * `due to …`, `due to … (blocked)` or `blocked`; node actions read `* Fence (reboot) node 'reason'`.
 */

/** Why the scheduler wants the action (`due to …`), and whether it cannot happen now (blocked). */
interface Why {
  /** Resource id as printed: a clone instance keeps its `:N` suffix (e.g. `haproxy:1`). */
  resource: string;
  /** The text after "due to", e.g. "node availability" or "resource definition change". */
  reason?: string;
  /** The action is wanted but cannot run (e.g. an unrunnable dependency). */
  blocked?: boolean;
}

/** An action on one node (start, stop, restart, recover, reload, re-promote). */
export interface OnNode extends Why {
  node: string;
  /** The instance's role when it matters (promotable clones), e.g. "Unpromoted" for a stop. */
  role?: string;
}

/** A resource leaving one node for another (move, migrate). */
export interface Relocation extends Why {
  from: string;
  to: string;
  /** The role kept while moving (promotable clones). */
  role?: string;
}

/** A role change of a promotable clone instance (promote, demote). */
export interface RoleChange extends Why {
  /** Where the instance ends up. */
  node: string;
  /** Role before (`Stopped` when the instance also starts) and after. */
  from: string;
  to: string;
  /** Set when the instance also moves: the node it leaves. */
  fromNode?: string;
}

export interface NodeAction {
  node: string;
  /** `reboot`, `off` or `on` for fencing. */
  method?: string;
  reason?: string;
}

export interface Transition {
  start: OnNode[];
  stop: OnNode[];
  restart: OnNode[];
  recover: OnNode[];
  reload: OnNode[];
  repromote: OnNode[];
  move: Relocation[];
  migrate: Relocation[];
  promote: RoleChange[];
  demote: RoleChange[];
  fence: NodeAction[];
  shutdown: NodeAction[];
  /** Summary items this parser does not know, verbatim (without the leading `* `). */
  other: string[];
}

/** crm_simulate printed no Transition Summary (not its output, or a failed run). */
export class SimulateParseError extends HakitError {
  constructor(message: string) {
    super(message, { code: 'E_SIMULATE' });
  }
}

const ROLES = new Set(['Stopped', 'Started', 'Unpromoted', 'Promoted', 'Slave', 'Master', 'Unknown']);
const HEADER = 'Transition Summary:';
const ITEM = /^\s+\* (\S+)\s+(\S+)\s+\(\s*([^)]*?)\s*\)(?:\s+(.*?))?\s*$/;
const NODE_ACTION = /^\s+\* (?:Fence \((\w+)\)|(Shutdown)) (\S+)(?: '(.*)')?\s*$/;

function emptyTransition(): Transition {
  return {
    start: [],
    stop: [],
    restart: [],
    recover: [],
    reload: [],
    repromote: [],
    move: [],
    migrate: [],
    promote: [],
    demote: [],
    fence: [],
    shutdown: [],
    other: [],
  };
}

/** The Transition Summary items of crm_simulate's text output (other sections are ignored). */
export function parseTransition(stdout: string): Transition {
  const lines = stdout.split('\n');
  const start = lines.findIndex((l) => l.trimEnd() === HEADER);
  if (start < 0) throw new SimulateParseError(`crm_simulate printed no "${HEADER}" section`);
  const out = emptyTransition();
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '') continue;
    if (!/^\s/.test(line)) break; // the next section's header
    if (!line.trimStart().startsWith('* ')) continue;
    parseItem(line, out);
  }
  return out;
}

function parseItem(line: string, out: Transition): void {
  const verbatim = line.trim().slice(2);
  const node = NODE_ACTION.exec(line);
  if (node) {
    const [, method, shutdown, name = '', reason] = node;
    (shutdown ? out.shutdown : out.fence).push({
      node: name,
      ...(method ? { method } : {}),
      ...(reason ? { reason } : {}),
    });
    return;
  }
  const [, change = '', resource = '', details = '', tail] = ITEM.exec(line) ?? [];
  const d = parseDetails(details);
  const why: Why = { resource, ...reasonOf(tail) };
  const at = (list: OnNode[]) =>
    d.node !== undefined && d.from === undefined && d.fromRole === undefined
      ? list.push({ ...why, node: d.node, ...(d.role ? { role: d.role } : {}) })
      : 0;
  const away = (list: Relocation[]) =>
    d.from !== undefined && d.to !== undefined
      ? list.push({ ...why, from: d.from, to: d.to, ...(d.role ? { role: d.role } : {}) })
      : 0;
  const role = (list: RoleChange[]) =>
    d.fromRole !== undefined && d.toRole !== undefined && d.node !== undefined
      ? list.push({
          ...why,
          node: d.node,
          from: d.fromRole,
          to: d.toRole,
          ...(d.from !== undefined ? { fromNode: d.from } : {}),
        })
      : 0;
  const parsed: Record<string, () => number> = {
    Start: () => at(out.start),
    Stop: () => at(out.stop),
    Restart: () => at(out.restart),
    Recover: () => at(out.recover),
    Reload: () => at(out.reload),
    'Re-promote': () => at(out.repromote),
    Move: () => away(out.move),
    Migrate: () => away(out.migrate),
    Promote: () => role(out.promote),
    Demote: () => role(out.demote),
  };
  if (!resource || !parsed[change]?.()) out.other.push(verbatim);
}

interface Details {
  node?: string;
  role?: string;
  from?: string;
  to?: string;
  fromRole?: string;
  toRole?: string;
}

/**
 * The parenthesised part of an item: `node`, `Role node`, `a -> b`, `a -> b Role`, `Role -> Role node` or
 * `Role a -> Role b` (Pacemaker's rsc-action-item formats). Anything else gives no fields.
 */
function parseDetails(details: string): Details {
  const d = details.split(/\s+/).filter(Boolean);
  const role = (i: number) => ROLES.has(d[i] ?? '');
  const [a = '', b = '', c = '', e = '', f = ''] = d;
  switch (d.length) {
    case 1:
      return { node: a };
    case 2:
      return role(0) ? { role: a, node: b } : {};
    case 3:
      return b === '->' ? { from: a, to: c } : {};
    case 4:
      if (b !== '->') return {};
      if (role(0) && role(2)) return { fromRole: a, toRole: c, node: e };
      return role(3) ? { from: a, to: c, role: e } : {};
    case 5:
      return c === '->' && role(0) && role(3) ? { fromRole: a, from: b, toRole: e, node: f } : {};
    default:
      return {};
  }
}

function reasonOf(tail: string | undefined): Pick<Why, 'reason' | 'blocked'> {
  if (!tail) return {};
  if (tail === 'blocked') return { blocked: true };
  const m = /^due to (.*?)( \(blocked\))?$/.exec(tail);
  if (!m) return { reason: tail };
  return { reason: m[1] as string, ...(m[2] ? { blocked: true } : {}) };
}

/** A clone instance's parent id for people: `haproxy:1` → `haproxy`. */
const shown = (resource: string) => resource.replace(/:\d+$/, '');

function suffix(w: Why, extra?: string): string {
  const parts = [extra, w.reason ? `due to ${w.reason}` : undefined].filter(Boolean);
  return parts.length ? ` (${parts.join('; ')})` : '';
}

function line(verb: string, w: Why, where: string, extra?: string): string {
  const head = w.blocked ? `cannot ${verb}` : `would ${verb}`;
  return `${head} ${shown(w.resource)} ${where}${suffix(w, w.blocked ? `blocked${extra ? `, ${extra}` : ''}` : extra)}`;
}

/**
 * One line per action, e.g. `would start canary on node1`, `would move vip node1 → node2`,
 * `would stop haproxy on node3 (due to node availability)`; "no resource would start, stop or move" when the
 * transition is empty. Clone instances are shown by their clone's primitive (`haproxy`, not `haproxy:1`).
 */
export function renderTransition(t: Transition): string {
  const out: string[] = [];
  for (const f of t.fence)
    out.push(
      `would fence ${f.node}${f.method || f.reason ? ` (${[f.method, f.reason].filter(Boolean).join(': ')})` : ''}`,
    );
  for (const s of t.shutdown) out.push(`would shut down ${s.node}${s.reason ? ` (${s.reason})` : ''}`);
  const onNode = (verb: string, list: OnNode[]) => {
    for (const a of list) out.push(line(verb, a, `on ${a.node}`, a.role));
  };
  const moved = (verb: string, list: Relocation[], extra?: string) => {
    for (const a of list)
      out.push(line(verb, a, `${a.from} → ${a.to}`, [a.role, extra].filter(Boolean).join(', ') || undefined));
  };
  const roles = (verb: string, list: RoleChange[]) => {
    for (const a of list) {
      const v = a.from === 'Stopped' ? `start and ${verb}` : verb;
      out.push(line(v, a, a.fromNode ? `${a.fromNode} → ${a.node}` : `on ${a.node}`));
    }
  };
  onNode('stop', t.stop);
  roles('demote', t.demote);
  moved('move', t.move);
  moved('migrate', t.migrate, 'live migration');
  onNode('restart', t.restart);
  onNode('recover', t.recover);
  onNode('reload', t.reload);
  onNode('re-promote', t.repromote);
  roles('promote', t.promote);
  onNode('start', t.start);
  for (const o of t.other) out.push(`would: ${o}`);
  return out.length ? out.join('\n') : 'no resource would start, stop or move';
}
