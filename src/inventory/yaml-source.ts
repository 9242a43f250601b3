import {
  type Document,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  parseDocument,
} from 'yaml';
import type { z } from 'zod';
import type { Diagnostic } from '../errors/index.js';
import { didYouMean, type PathKey } from '../model/index.js';

/**
 * A YAML file parsed with source positions, so that any field path (from zod or a semantic check) can be
 * reported as file:line:column. Shared by the inventory and playbook loaders.
 */
export class YamlSource {
  readonly file: string;
  readonly text: string;
  readonly doc: Document.Parsed;
  private readonly lines: LineCounter;

  constructor(file: string, text: string) {
    this.file = file;
    this.text = text;
    this.lines = new LineCounter();
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
  }

  /** YAML syntax errors (and duplicate keys) as diagnostics. */
  syntaxDiagnostics(): Diagnostic[] {
    return [...this.doc.errors, ...this.doc.warnings].map((e) => {
      const pos = this.lines.linePos(e.pos[0]);
      return {
        severity: this.doc.errors.includes(e as never) ? 'error' : 'warning',
        file: this.file,
        line: pos.line,
        column: pos.col,
        path: '',
        message: e.message.split('\n')[0] ?? e.message,
      };
    });
  }

  toJS(): unknown {
    return this.doc.toJS({ maxAliasCount: 100 });
  }

  /** Line/column of the node at `path` (or of its deepest existing ancestor). `key: true` points at the key. */
  position(path: readonly PathKey[], opts: { key?: boolean } = {}): { line: number; column: number } {
    let node: unknown = this.doc.contents;
    let offset = rangeStart(node) ?? 0;
    let parentKey: number | undefined;
    for (let i = 0; i < path.length; i++) {
      const k = path[i]!;
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(k)) as
          | Pair
          | undefined;
        if (!pair) {
          // The field is absent: point at the key of its parent mapping.
          if (parentKey !== undefined) offset = parentKey;
          break;
        }
        parentKey = rangeStart(pair.key);
        if (last && opts.key) {
          offset = rangeStart(pair.key) ?? offset;
          break;
        }
        node = pair.value;
        offset = rangeStart(pair.value) ?? rangeStart(pair.key) ?? offset;
      } else if (isSeq(node) && typeof k === 'number') {
        const item = node.items[k];
        if (item === undefined) break;
        parentKey = undefined;
        node = item;
        offset = rangeStart(item) ?? offset;
      } else {
        break;
      }
    }
    const pos = this.lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  }

  diagnostic(
    path: readonly PathKey[],
    message: string,
    severity: Diagnostic['severity'] = 'error',
    opts: { key?: boolean } = {},
  ): Diagnostic {
    const { line, column } = this.position(path, opts);
    return { severity, file: this.file, line, column, path: formatPath(path), message };
  }

  /** Keys present in the mapping at `path` (for "did you mean" on unknown keys). */
  keysAt(path: readonly PathKey[]): string[] {
    const node = this.doc.getIn(path as PathKey[], true) as Node | undefined;
    const target = path.length === 0 ? this.doc.contents : node;
    if (!isMap(target)) return [];
    return target.items.map((p) => (isScalar(p.key) ? String(p.key.value) : '')).filter(Boolean);
  }
}

function rangeStart(node: unknown): number | undefined {
  const r = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return r ? r[0] : undefined;
}

/** `nodes[1].ssh.port` from ['nodes', 1, 'ssh', 'port']. */
export function formatPath(path: readonly PathKey[]): string {
  let out = '';
  for (const k of path) {
    if (typeof k === 'number') out += `[${k}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(k)) out += out ? `.${k}` : k;
    else out += `[${JSON.stringify(k)}]`;
  }
  return out;
}

/**
 * Turns zod issues into positioned diagnostics. Unknown keys get a "did you mean" from the keys the schema
 * allows at that place (`allowedKeys(path)`).
 */
export function zodIssuesToDiagnostics(
  src: YamlSource,
  issues: readonly z.core.$ZodIssue[],
  allowedKeys: (path: readonly PathKey[]) => string[],
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((p): p is PathKey => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeys(path);
      for (const key of issue.keys) {
        const hint = didYouMean(key, allowed);
        const msg = `unknown key "${key}"${hint ? ` — did you mean "${hint}"?` : allowed.length ? ` (allowed: ${allowed.join(', ')})` : ''}`;
        out.push(src.diagnostic([...path, key], msg, 'error', { key: true }));
      }
      continue;
    }
    const disc = issue as { discriminator?: string; options?: unknown[]; input?: unknown };
    if (
      issue.code === 'invalid_union' &&
      typeof disc.discriminator === 'string' &&
      Array.isArray(disc.options)
    ) {
      // A discriminated union whose discriminator matched no branch; zod reports it at the discriminator.
      const values = disc.options.map(String);
      const given =
        disc.input && typeof disc.input === 'object'
          ? (disc.input as Record<string, unknown>)[disc.discriminator]
          : undefined;
      const hint = typeof given === 'string' ? didYouMean(given, values) : undefined;
      const what =
        given === undefined ? 'is required' : `unknown ${disc.discriminator} ${JSON.stringify(given)}`;
      out.push(
        src.diagnostic(
          path,
          `${what}: expected one of ${values.join(', ')}${hint ? ` — did you mean "${hint}"?` : ''}`,
        ),
      );
      continue;
    }
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const inner = closestUnionBranch(issue.errors);
      if (inner) {
        const nested = inner.map((i) => ({ ...i, path: [...issue.path, ...i.path] })) as z.core.$ZodIssue[];
        out.push(...zodIssuesToDiagnostics(src, nested, allowedKeys));
        continue;
      }
      const expected = [...new Set(issue.errors.map((b) => describeBranch(b)))];
      out.push(src.diagnostic(path, `expected ${expected.join(' or ')}`));
      continue;
    }
    out.push(src.diagnostic(path, describeIssue(issue)));
  }
  return dedupe(out);
}

/** The one union branch whose type matched the input (its issues are about details), if exactly one did. */
function closestUnionBranch(
  branches: readonly (readonly z.core.$ZodIssue[])[],
): readonly z.core.$ZodIssue[] | undefined {
  const typed = branches.filter(
    (b) => !(b.length === 1 && b[0]!.code === 'invalid_type' && b[0]!.path.length === 0),
  );
  return typed.length === 1 ? typed[0] : undefined;
}

function describeBranch(branch: readonly z.core.$ZodIssue[]): string {
  const first = branch[0];
  if (!first) return 'a valid value';
  if (first.code === 'invalid_type' && first.path.length === 0)
    return first.expected === 'object' ? 'a mapping' : first.expected;
  if (first.code === 'invalid_format')
    return `${(first as { format: string }).format} address`
      .replace('ipv4 address', 'an IPv4 address')
      .replace('ipv6 address', 'an IPv6 address');
  if (first.code === 'invalid_value') return first.values.map((v) => JSON.stringify(v)).join(' or ');
  return first.message;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type': {
      const received = (issue as { input?: unknown }).input;
      if (received === undefined) return `is required (expected ${issue.expected})`;
      return `expected ${issue.expected}, got ${typeName(received)}`;
    }
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_union': {
      const disc = (issue as { note?: string }).note;
      if (disc) return `${issue.message} (${disc})`;
      return issue.message === 'Invalid input' ? 'does not match any allowed form' : issue.message;
    }
    case 'too_big':
    case 'too_small': {
      if (!/^Too (big|small)/.test(issue.message)) return issue.message;
      const bound = issue.code === 'too_big' ? issue.maximum : issue.minimum;
      const word = issue.code === 'too_big' ? 'at most' : 'at least';
      const unit = issue.origin === 'array' ? ' items' : issue.origin === 'string' ? ' characters' : '';
      return `must be ${word} ${String(bound)}${unit}`;
    }
    default:
      return issue.message;
  }
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

function dedupe(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const k = `${d.line}:${d.column}:${d.path}:${d.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
