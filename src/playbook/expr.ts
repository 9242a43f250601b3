import { HakitError } from '../errors/index.js';
/**
 * The `when` / `changed_when` / `failed_when` language: a tiny, safe expression language over vars and facts.
 *
 *   literals     'text' "text" 42 -1.5 true false null [a, b, 'c']
 *   names        node.name  facts.os.id  result.rc      (own data properties only; unknown names are undefined)
 *   comparison   == != < > <= >=     membership  in, not in     tests  x is defined, x is not defined
 *   logic        and or not ( )
 *
 * A hand-written tokenizer and recursive-descent parser build an AST which is then walked; nothing is ever
 * passed to eval/Function, and there are no calls, assignments, indexing by expression or prototype access.
 */

export type Expr =
  | { kind: 'lit'; value: Scalar }
  | { kind: 'list'; items: Expr[] }
  | { kind: 'name'; path: string[] }
  | { kind: 'not'; operand: Expr }
  | { kind: 'and' | 'or'; left: Expr; right: Expr }
  | { kind: 'cmp'; op: CmpOp; left: Expr; right: Expr }
  | { kind: 'defined'; operand: Expr; negate: boolean };

type Scalar = string | number | boolean | null;
type CmpOp = '==' | '!=' | '<' | '>' | '<=' | '>=' | 'in' | 'not in';

/** A syntax error in an expression; `offset` is the 0-based character where it was found. */
export class ExprError extends HakitError {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message, { code: 'E_EXPR' });
    this.offset = offset;
  }
}

type Token =
  | { t: 'str'; v: string; at: number }
  | { t: 'num'; v: number; at: number }
  | { t: 'id'; v: string; at: number }
  | { t: 'op'; v: string; at: number }
  | { t: 'eof'; at: number };

const MAX_LENGTH = 2000;
const MAX_DEPTH = 64;
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);

function tokenize(src: string): Token[] {
  if (src.length > MAX_LENGTH) throw new ExprError(`expression longer than ${MAX_LENGTH} characters`, 0);
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const start = i;
    if (c === "'" || c === '"') {
      let v = '';
      i++;
      while (i < src.length && src[i] !== c) {
        if (src[i] === '\\' && i + 1 < src.length) {
          const n = src[i + 1] as string;
          v += n === 'n' ? '\n' : n === 't' ? '\t' : n;
          i += 2;
        } else {
          v += src[i];
          i++;
        }
      }
      if (i >= src.length) throw new ExprError('unterminated string', start);
      i++;
      out.push({ t: 'str', v, at: start });
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?/.exec(src.slice(i));
      const text = (m as RegExpExecArray)[0];
      i += text.length;
      if (i < src.length && /[A-Za-z_]/.test(src[i] as string)) throw new ExprError('bad number', start);
      out.push({ t: 'num', v: Number(text), at: start });
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(src.slice(i));
      const text = (m as RegExpExecArray)[0];
      i += text.length;
      out.push({ t: 'id', v: text, at: start });
      continue;
    }
    const two = src.slice(i, i + 2);
    if (two === '==' || two === '!=' || two === '<=' || two === '>=') {
      out.push({ t: 'op', v: two, at: start });
      i += 2;
      continue;
    }
    if ('<>()[],.-'.includes(c)) {
      out.push({ t: 'op', v: c, at: start });
      i++;
      continue;
    }
    throw new ExprError(`unexpected character '${c}'`, start);
  }
  out.push({ t: 'eof', at: src.length });
  return out;
}

const KEYWORDS = new Set([
  'and',
  'or',
  'not',
  'in',
  'is',
  'defined',
  'true',
  'false',
  'null',
  'True',
  'False',
]);

class Parser {
  private pos = 0;
  private depth = 0;
  constructor(private readonly toks: Token[]) {}

  private peek(): Token {
    return this.toks[this.pos] as Token;
  }
  private next(): Token {
    return this.toks[this.pos++] as Token;
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return t.t === 'op' && t.v === v;
  }
  private isKw(v: string): boolean {
    const t = this.peek();
    return t.t === 'id' && t.v === v;
  }
  private expectOp(v: string): void {
    const t = this.next();
    if (t.t !== 'op' || t.v !== v) throw new ExprError(`expected '${v}'`, t.at);
  }
  private enter(at: number): void {
    if (++this.depth > MAX_DEPTH) throw new ExprError('expression nested too deeply', at);
  }

  parseAll(): Expr {
    const e = this.parseOr();
    const t = this.peek();
    if (t.t !== 'eof') throw new ExprError(`unexpected ${describe(t)}`, t.at);
    return e;
  }

  private parseOr(): Expr {
    let left = this.parseAnd();
    while (this.isKw('or')) {
      this.next();
      left = { kind: 'or', left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseNot();
    while (this.isKw('and')) {
      this.next();
      left = { kind: 'and', left, right: this.parseNot() };
    }
    return left;
  }

  private parseNot(): Expr {
    if (this.isKw('not')) {
      const t = this.next();
      this.enter(t.at);
      const operand = this.parseNot();
      this.depth--;
      return { kind: 'not', operand };
    }
    return this.parseCmp();
  }

  private parseCmp(): Expr {
    const left = this.parsePrimary();
    const t = this.peek();
    if (t.t === 'op' && ['==', '!=', '<', '>', '<=', '>='].includes(t.v)) {
      this.next();
      return { kind: 'cmp', op: t.v as CmpOp, left, right: this.parsePrimary() };
    }
    if (this.isKw('in')) {
      this.next();
      return { kind: 'cmp', op: 'in', left, right: this.parsePrimary() };
    }
    if (this.isKw('not')) {
      const save = this.pos;
      this.next();
      if (this.isKw('in')) {
        this.next();
        return { kind: 'cmp', op: 'not in', left, right: this.parsePrimary() };
      }
      this.pos = save;
    }
    if (this.isKw('is')) {
      this.next();
      let negate = false;
      if (this.isKw('not')) {
        this.next();
        negate = true;
      }
      const d = this.next();
      if (d.t !== 'id' || d.v !== 'defined') throw new ExprError("expected 'defined' after 'is'", d.at);
      return { kind: 'defined', operand: left, negate };
    }
    return left;
  }

  private parsePrimary(): Expr {
    const t = this.next();
    if (t.t === 'str') return { kind: 'lit', value: t.v };
    if (t.t === 'num') return { kind: 'lit', value: t.v };
    if (t.t === 'op' && t.v === '-') {
      const n = this.next();
      if (n.t !== 'num') throw new ExprError("expected a number after '-'", n.at);
      return { kind: 'lit', value: -n.v };
    }
    if (t.t === 'op' && t.v === '(') {
      this.enter(t.at);
      const e = this.parseOr();
      this.expectOp(')');
      this.depth--;
      return e;
    }
    if (t.t === 'op' && t.v === '[') {
      this.enter(t.at);
      const items: Expr[] = [];
      if (!this.isOp(']')) {
        items.push(this.parseOr());
        while (this.isOp(',')) {
          this.next();
          if (this.isOp(']')) break;
          items.push(this.parseOr());
        }
      }
      this.expectOp(']');
      this.depth--;
      return { kind: 'list', items };
    }
    if (t.t === 'id') {
      if (t.v === 'true' || t.v === 'True') return { kind: 'lit', value: true };
      if (t.v === 'false' || t.v === 'False') return { kind: 'lit', value: false };
      if (t.v === 'null') return { kind: 'lit', value: null };
      if (KEYWORDS.has(t.v)) throw new ExprError(`unexpected '${t.v}'`, t.at);
      const path = [t.v];
      while (this.isOp('.')) {
        this.next();
        const seg = this.next();
        if (seg.t === 'id') path.push(seg.v);
        else if (seg.t === 'num' && Number.isInteger(seg.v)) path.push(String(seg.v));
        else throw new ExprError("expected a name after '.'", seg.at);
      }
      for (const seg of path) {
        if (FORBIDDEN_SEGMENTS.has(seg)) throw new ExprError(`'${seg}' is not allowed in a name`, t.at);
      }
      if (this.isOp('(')) throw new ExprError('function calls are not allowed', this.peek().at);
      return { kind: 'name', path };
    }
    throw new ExprError(`unexpected ${describe(t)}`, t.at);
  }
}

function describe(t: Token): string {
  if (t.t === 'eof') return 'end of expression';
  if (t.t === 'str') return 'string';
  return `'${t.v}'`;
}

/** Parses an expression; throws ExprError (with an offset) on anything outside the language. */
export function parseExpr(src: string): Expr {
  return new Parser(tokenize(src)).parseAll();
}

/** Looks a dotted name up in `scope`, through own enumerable data properties only. */
export function lookup(scope: unknown, path: readonly string[]): unknown {
  let cur: unknown = scope;
  for (const seg of path) {
    if (cur === null || cur === undefined) return undefined;
    if (cur instanceof Map) {
      cur = cur.get(seg);
      continue;
    }
    if (typeof cur !== 'object') return undefined;
    if (!Object.hasOwn(cur, seg)) return undefined;
    const desc = Object.getOwnPropertyDescriptor(cur, seg);
    if (!desc || !('value' in desc)) return undefined;
    cur = desc.value;
  }
  return typeof cur === 'function' ? undefined : cur;
}

/** Python-ish truthiness: empty strings, lists, objects, 0, null and undefined are false. */
export function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Map || v instanceof Set) return v.size > 0;
  if (v !== null && typeof v === 'object') return Object.keys(v).length > 0;
  return Boolean(v);
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'string' && b.trim() !== '') return a === Number(b);
  if (typeof b === 'number' && typeof a === 'string' && a.trim() !== '') return b === Number(a);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  return false;
}

function order(a: unknown, b: unknown, at: string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  const na = typeof a === 'string' ? Number(a) : a;
  const nb = typeof b === 'string' ? Number(b) : b;
  if (typeof na === 'number' && typeof nb === 'number' && !Number.isNaN(na) && !Number.isNaN(nb))
    return na - nb;
  throw new ExprError(`cannot compare ${typeName(a)} with ${typeName(b)} using '${at}'`, 0);
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  return typeof v === 'undefined' ? 'undefined' : typeof v;
}

function contains(container: unknown, item: unknown): boolean {
  if (Array.isArray(container)) return container.some((x) => equal(x, item));
  if (typeof container === 'string') return typeof item === 'string' && container.includes(item);
  if (container instanceof Map || container instanceof Set) return container.has(item);
  if (container !== null && typeof container === 'object')
    return typeof item === 'string' && Object.hasOwn(container, item);
  return false;
}

/** Evaluates a parsed expression against `scope`. Errors (bad comparisons) throw ExprError. */
export function evaluate(expr: Expr, scope: unknown): unknown {
  switch (expr.kind) {
    case 'lit':
      return expr.value;
    case 'list':
      return expr.items.map((e) => evaluate(e, scope));
    case 'name':
      return lookup(scope, expr.path);
    case 'not':
      return !truthy(evaluate(expr.operand, scope));
    case 'and':
      return truthy(evaluate(expr.left, scope)) && truthy(evaluate(expr.right, scope));
    case 'or':
      return truthy(evaluate(expr.left, scope)) || truthy(evaluate(expr.right, scope));
    case 'defined': {
      const d = evaluate(expr.operand, scope) !== undefined;
      return expr.negate ? !d : d;
    }
    case 'cmp': {
      const l = evaluate(expr.left, scope);
      const r = evaluate(expr.right, scope);
      switch (expr.op) {
        case '==':
          return equal(l, r);
        case '!=':
          return !equal(l, r);
        case '<':
          return order(l, r, '<') < 0;
        case '>':
          return order(l, r, '>') > 0;
        case '<=':
          return order(l, r, '<=') <= 0;
        case '>=':
          return order(l, r, '>=') >= 0;
        case 'in':
          return contains(r, l);
        case 'not in':
          return !contains(r, l);
      }
    }
  }
}

/** Parses and evaluates `src`, returning its truthiness. */
export function evalCondition(src: string | boolean, scope: unknown): boolean {
  if (typeof src === 'boolean') return src;
  return truthy(evaluate(parseExpr(src), scope));
}
