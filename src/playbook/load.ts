import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { isScalar } from 'yaml';
import { z } from 'zod';
import { type Diagnostic, InputError } from '../errors/index.js';
import { YamlSource, zodIssuesToDiagnostics } from '../inventory/index.js';
import { didYouMean, type PathKey } from '../model/index.js';
import type { Operation } from '../ops/types.js';
import { ExprError, parseExpr } from './expr.js';
import type { Play, Playbook, SourceRef, Task } from './types.js';

/** How the loader learns which operations exist (the ops registry, plus executor built-ins like `template`). */
export interface OpCatalog {
  get(name: string): Operation<unknown> | undefined;
  names(): string[];
}

const ident = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'must be a name (letters, digits, _)' });
const stringList = z.union([z.string().min(1), z.array(z.string().min(1))]);
const condition = z.union([z.string().min(1), z.boolean()]);
const serialItem = z.union([
  z.number().int().min(1),
  z.string().regex(/^([1-9][0-9]?|100)%$/, { message: 'must be a count or a percentage like 30%' }),
]);

export const TASK_KEYWORDS = {
  name: z.string().min(1).optional(),
  when: z.union([condition, z.array(condition)]).optional(),
  loop: z.union([z.array(z.unknown()), z.string().min(1)]).optional(),
  loop_var: ident.optional(),
  register: ident.optional(),
  notify: stringList.optional(),
  tags: stringList.optional(),
  become: z.boolean().optional(),
  changed_when: condition.optional(),
  failed_when: condition.optional(),
  ignore_errors: z.boolean().optional(),
  run_once: z.boolean().optional(),
  check_mode: z.boolean().optional(),
  vars: z.record(z.string(), z.unknown()).optional(),
};
const HANDLER_KEYWORDS = { ...TASK_KEYWORDS, listen: stringList.optional() };

const taskSchema = z.looseObject(TASK_KEYWORDS);
const handlerSchema = z.looseObject(HANDLER_KEYWORDS);

export const playSchema = z.strictObject({
  name: z.string().min(1).optional(),
  hosts: stringList,
  serial: z.union([serialItem, z.array(serialItem).min(1)]).optional(),
  any_errors_fatal: z.boolean().default(false),
  ignore_unreachable: z.boolean().default(false),
  become: z.boolean().optional(),
  vars: z.record(ident, z.unknown()).default({}),
  tags: stringList.optional(),
  tasks: z.array(taskSchema).default([]),
  handlers: z.array(handlerSchema).default([]),
});

/** `- import_playbook: FILE` in a playbook's list: FILE's plays go here, in order, with these tags added. */
export const importSchema = z.strictObject({
  import_playbook: z.string().min(1),
  name: z.string().min(1).optional(),
  tags: stringList.optional(),
});

const playbookSchema = z
  .array(z.unknown())
  .min(1, { message: 'a playbook is a list of plays (or import_playbook items)' });

const META_ACTIONS = ['flush_handlers'];

/** One item of a playbook file, before imports are resolved. */
type Item =
  | { kind: 'play'; play: Play }
  | { kind: 'import'; target: string; tags: string[]; path: PathKey[] };

interface PlaybookFile {
  src: YamlSource;
  items: Item[];
}

/**
 * Reads, parses and checks a playbook and the playbooks it imports (`import_playbook`, relative to the
 * importing file). Every problem is an InputError (exit 2) with file:line:column in the file it is in.
 */
export async function loadPlaybook(path: string, ops: OpCatalog): Promise<Playbook> {
  const file = resolve(path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new InputError(`cannot read playbook ${path}: ${errCode(err)}`);
  }
  const top = parseFile(file, text, ops, []);
  const plays = await expand(top, ops, [file], [], dirname(file));
  if (plays.length === 0) {
    throw new InputError(`playbook ${file}: no plays`, [
      top.src.diagnostic([], 'a playbook needs at least one play'),
    ]);
  }
  return { file, plays };
}

/** One playbook file from its text. Imports are not followed here: a playbook with imports needs `loadPlaybook`. */
export function parsePlaybook(file: string, text: string, ops: OpCatalog): Playbook {
  const { src, items } = parseFile(file, text, ops, []);
  const plays: Play[] = [];
  for (const item of items) {
    if (item.kind === 'play') {
      plays.push(item.play);
      continue;
    }
    throw new InputError(
      `playbook ${file}: import_playbook needs loadPlaybook (imported files are read from disk)`,
      [src.diagnostic([...item.path, 'import_playbook'], 'import_playbook is only resolved by loadPlaybook')],
    );
  }
  return { file, plays };
}

/**
 * The plays of a parsed file with its imports replaced by the imported files' plays. `stack` is the chain of
 * files being imported (for cycles), `via` the import sites that led to this file, innermost first (for messages).
 */
async function expand(
  pf: PlaybookFile,
  ops: OpCatalog,
  stack: string[],
  via: string[],
  root: string,
): Promise<Play[]> {
  const plays: Play[] = [];
  for (const item of pf.items) {
    if (item.kind === 'play') {
      plays.push(item.play);
      continue;
    }
    const at: PathKey[] = [...item.path, 'import_playbook'];
    const fail = (message: string): never => {
      const d = pf.src.diagnostic(at, message);
      throw new InputError(`playbook ${pf.src.file}: ${message}${importedBy(via)}`, [d]);
    };
    const seen = stack.indexOf(item.target);
    if (seen >= 0) {
      const chain = [...stack.slice(seen), item.target].map((f) => shortPath(f, root)).join(' → ');
      fail(`import cycle: ${chain}`);
    }
    let text = '';
    try {
      text = await readFile(item.target, 'utf8');
    } catch (err) {
      fail(`cannot read imported playbook ${item.target}: ${errCode(err)}`);
    }
    const site = pf.src.diagnostic(at, '');
    const inner = [`${site.file}:${site.line}:${site.column}`, ...via];
    const imported = await expand(
      parseFile(item.target, text, ops, inner),
      ops,
      [...stack, item.target],
      inner,
      root,
    );
    plays.push(...imported.map((p) => withTags(p, item.tags)));
  }
  return plays;
}

/** An imported play with the import's tags added to the play and (as play tags are inherited) to its tasks. */
function withTags(play: Play, tags: string[]): Play {
  if (tags.length === 0) return play;
  const add = (own: string[]) => [...new Set([...tags, ...own])];
  return { ...play, tags: add(play.tags), tasks: play.tasks.map((t) => ({ ...t, tags: add(t.tags) })) };
}

function importedBy(via: string[]): string {
  return via.length === 0 ? '' : ` (imported from ${via.join(' ← ')})`;
}

function shortPath(file: string, root: string): string {
  const rel = relative(root, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

function errCode(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? String(err);
}

function isImport(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && 'import_playbook' in v;
}

/** Parses and checks one playbook file: its plays (positioned in this file) and its imports (resolved paths). */
function parseFile(file: string, text: string, ops: OpCatalog, via: string[]): PlaybookFile {
  const src = new YamlSource(file, text);
  const fail = (ds: Diagnostic[], what = count(ds.length)): never => {
    throw new InputError(`playbook ${file}: ${what}${importedBy(via)}`, ds);
  };
  const syntax = src.syntaxDiagnostics().filter((d) => d.severity === 'error');
  if (syntax.length > 0) fail(syntax, 'not valid YAML');
  const list = playbookSchema.safeParse(src.toJS(), { reportInput: true });
  if (!list.success) fail(zodIssuesToDiagnostics(src, list.error.issues, () => []));
  const rawItems = list.data ?? [];
  const imports = new Set(rawItems.flatMap((it, i) => (isImport(it) ? [i] : [])));
  const issues: z.core.$ZodIssue[] = [];
  const checked = rawItems.map((it, i) => {
    const r = imports.has(i)
      ? importSchema.safeParse(it, { reportInput: true })
      : playSchema.safeParse(it, { reportInput: true });
    if (!r.success) issues.push(...r.error.issues.map((iss) => ({ ...iss, path: [i, ...iss.path] })));
    return r.data;
  });
  if (issues.length > 0) {
    fail(zodIssuesToDiagnostics(src, issues, (p) => allowedKeysAt(p, imports.has(p[0] as number))));
  }
  const diags: Diagnostic[] = [];
  const items: Item[] = checked.map((data, pi): Item => {
    const playPath: PathKey[] = [pi];
    if (imports.has(pi)) {
      const imp = data as z.output<typeof importSchema>;
      return {
        kind: 'import',
        target: resolve(dirname(file), imp.import_playbook),
        tags: toList(imp.tags),
        path: playPath,
      };
    }
    const p = data as z.output<typeof playSchema>;
    const playTags = toList(p.tags);
    const tasks = p.tasks.map((t, ti) =>
      toTask(src, ops, t, [...playPath, 'tasks', ti], playTags, false, diags),
    );
    const handlers = p.handlers.map((t, ti) =>
      toTask(src, ops, t, [...playPath, 'handlers', ti], [], true, diags),
    );
    checkHandlers(src, tasks, handlers, playPath, diags);
    const play: Play = {
      name: p.name ?? `play ${pi + 1}`,
      hosts: toList(p.hosts).flatMap((h) =>
        h
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean),
      ),
      serial: p.serial === undefined ? [] : Array.isArray(p.serial) ? p.serial : [p.serial],
      anyErrorsFatal: p.any_errors_fatal,
      ignoreUnreachable: p.ignore_unreachable,
      ...(p.become === undefined ? {} : { become: p.become }),
      vars: p.vars,
      tags: playTags,
      tasks,
      handlers,
      where: ref(src, playPath),
    };
    return { kind: 'play', play };
  });
  if (diags.length > 0) fail(diags);
  return { src, items };
}

function count(n: number): string {
  return n === 1 ? '1 error' : `${n} errors`;
}

function allowedKeysAt(path: readonly PathKey[], isImportItem: boolean): string[] {
  // [itemIndex] → play keys (or import keys); [pi, 'tasks'|'handlers', ti] → task keywords.
  if (isImportItem) return path.length === 1 ? Object.keys(importSchema.shape) : [];
  if (path.length === 1) return [...Object.keys(playSchema.shape), 'import_playbook'];
  if (path.length === 3 && path[1] === 'handlers') return Object.keys(HANDLER_KEYWORDS);
  if (path.length === 3) return Object.keys(TASK_KEYWORDS);
  return [];
}

function ref(src: YamlSource, path: readonly PathKey[]): SourceRef {
  const d = src.diagnostic(path, '');
  return { file: d.file, line: d.line, column: d.column, path: d.path };
}

function toList(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

function toTask(
  src: YamlSource,
  ops: OpCatalog,
  raw: Record<string, unknown>,
  path: PathKey[],
  inheritedTags: string[],
  handler: boolean,
  diags: Diagnostic[],
): Task {
  const keywords = handler ? HANDLER_KEYWORDS : TASK_KEYWORDS;
  const extra = Object.keys(raw).filter((k) => !(k in keywords));
  let op = '';
  let args: unknown;
  const opKeys = extra.filter((k) => k === 'meta' || ops.get(k) !== undefined);
  const unknown = extra.filter((k) => !opKeys.includes(k));
  for (const k of unknown) {
    const hint = didYouMean(k, [...Object.keys(keywords), ...ops.names(), 'meta']);
    diags.push(
      src.diagnostic(
        [...path, k],
        `unknown key or operation "${k}"${hint ? ` — did you mean "${hint}"?` : ''}`,
        'error',
        { key: true },
      ),
    );
  }
  if (opKeys.length === 0 && unknown.length === 0) {
    diags.push(src.diagnostic(path, 'a task needs exactly one operation (e.g. `file: {...}`)'));
  } else if (opKeys.length > 1) {
    diags.push(
      src.diagnostic(
        [...path, opKeys[1] as string],
        `a task has one operation; found ${opKeys.join(', ')}`,
        'error',
        {
          key: true,
        },
      ),
    );
  }
  if (opKeys.length >= 1) {
    op = opKeys[0] as string;
    args = raw[op];
    if (op === 'meta') {
      if (typeof args !== 'string' || !META_ACTIONS.includes(args)) {
        diags.push(src.diagnostic([...path, 'meta'], `meta must be one of: ${META_ACTIONS.join(', ')}`));
      }
    } else {
      checkArgs(src, ops.get(op) as Operation<unknown>, args, [...path, op], diags);
    }
  }
  const when = raw.when === undefined ? [] : Array.isArray(raw.when) ? raw.when : [raw.when];
  when.forEach((w, i) =>
    checkExpr(
      src,
      w as string | boolean,
      Array.isArray(raw.when) ? [...path, 'when', i] : [...path, 'when'],
      diags,
    ),
  );
  for (const k of ['changed_when', 'failed_when'] as const) {
    if (raw[k] !== undefined) checkExpr(src, raw[k] as string | boolean, [...path, k], diags);
  }
  const name = (raw.name as string | undefined) ?? (op ? `${op}` : `task ${String(path[path.length - 1])}`);
  const own = toList(raw.tags as string | string[] | undefined);
  return {
    name,
    op,
    args,
    when: when as Array<string | boolean>,
    ...(raw.loop === undefined ? {} : { loop: raw.loop }),
    loopVar: (raw.loop_var as string | undefined) ?? 'item',
    ...(raw.register === undefined ? {} : { register: raw.register as string }),
    notify: toList(raw.notify as string | string[] | undefined),
    tags: [...new Set([...inheritedTags, ...own])],
    ...(raw.become === undefined ? {} : { become: raw.become as boolean }),
    ...(raw.changed_when === undefined ? {} : { changedWhen: raw.changed_when as string | boolean }),
    ...(raw.failed_when === undefined ? {} : { failedWhen: raw.failed_when as string | boolean }),
    ignoreErrors: (raw.ignore_errors as boolean | undefined) ?? false,
    runOnce: (raw.run_once as boolean | undefined) ?? false,
    ...(raw.check_mode === undefined ? {} : { checkMode: raw.check_mode as boolean }),
    vars: (raw.vars as Record<string, unknown> | undefined) ?? {},
    listen: toList(raw.listen as string | string[] | undefined),
    where: ref(src, path),
  };
}

/** Arguments without templates are checked now (with positions); templated ones are checked per host. */
function checkArgs(
  src: YamlSource,
  op: Operation<unknown>,
  args: unknown,
  path: PathKey[],
  diags: Diagnostic[],
): void {
  if (hasTemplate(args)) return;
  // `template: {src: ...}` is rendered by the executor into the op's `content`: checked at run time.
  if (op.name === 'template' && args !== null && typeof args === 'object' && 'src' in args) return;
  const r = op.args.safeParse(args, { reportInput: true });
  if (r.success) return;
  const ds = zodIssuesToDiagnostics(
    src,
    r.error.issues.map((i) => ({ ...i, path: [...path, ...i.path] })),
    (p) => keysOfSchema(op.args, p.slice(path.length)),
  );
  diags.push(...ds.map((d) => ({ ...d, message: `${op.name}: ${d.message}` })));
}

function keysOfSchema(schema: unknown, _rel: readonly PathKey[]): string[] {
  const shape = (schema as { shape?: Record<string, unknown> }).shape;
  return shape && _rel.length === 0 ? Object.keys(shape) : [];
}

export function hasTemplate(v: unknown): boolean {
  if (typeof v === 'string') return v.includes('{{');
  if (Array.isArray(v)) return v.some(hasTemplate);
  if (v !== null && typeof v === 'object') return Object.values(v).some(hasTemplate);
  return false;
}

function checkExpr(src: YamlSource, expr: string | boolean, path: PathKey[], diags: Diagnostic[]): void {
  if (typeof expr === 'boolean') return;
  try {
    parseExpr(expr);
  } catch (err) {
    if (!(err instanceof ExprError)) throw err;
    const d = src.diagnostic(path, `invalid expression: ${err.message} (at character ${err.offset + 1})`);
    const node = src.doc.getIn(path, true);
    const quoted = isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') ? 1 : 0;
    const singleLine =
      !expr.includes('\n') && isScalar(node) && node.type !== 'BLOCK_LITERAL' && node.type !== 'BLOCK_FOLDED';
    diags.push(singleLine ? { ...d, column: d.column + quoted + err.offset } : d);
  }
}

function checkHandlers(
  src: YamlSource,
  tasks: Task[],
  handlers: Task[],
  playPath: PathKey[],
  diags: Diagnostic[],
): void {
  const names = new Set(handlers.flatMap((h) => [h.name, ...h.listen]));
  const check = (list: Task[], kind: 'tasks' | 'handlers') =>
    list.forEach((t, ti) => {
      t.notify.forEach((n, ni) => {
        if (names.has(n)) return;
        const hint = didYouMean(n, names);
        const raw = src.doc.getIn([...playPath, kind, ti, 'notify'], true);
        const p: PathKey[] = isScalar(raw)
          ? [...playPath, kind, ti, 'notify']
          : [...playPath, kind, ti, 'notify', ni];
        diags.push(src.diagnostic(p, `no handler named "${n}"${hint ? ` — did you mean "${hint}"?` : ''}`));
      });
    });
  check(tasks, 'tasks');
  check(handlers, 'handlers');
}
