import { HakitError } from '../errors/index.js';
/**
 * A minimal XML parser and serializer, enough for Pacemaker CIB documents (`cibadmin -Q` output and the CIB
 * configuration hakit renders): elements, attributes, the five predefined entities and numeric character
 * references, comments, CDATA, processing instructions. Comments, processing instructions (the `<?xml ...?>`
 * declaration) and whitespace-only text are dropped; other text is kept in `text`. No DTDs, no namespaces
 * handling (a prefixed name is just a name). Pure: no I/O.
 */

export interface XmlElement {
  name: string;
  /** Attributes in document order. */
  attrs: Record<string, string>;
  children: XmlElement[];
  /**
   * Text content when it is not whitespace only: verbatim for an element without child elements, the trimmed
   * text pieces joined for mixed content (rare in a CIB).
   */
  text?: string;
}

export interface SerializeOptions {
  /** Spaces per nesting level (default 2). */
  indent?: number;
}

/** Malformed XML: `line` and `column` are 1-based and point at the offending character. */
export class XmlParseError extends HakitError {
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`malformed XML at line ${line}, column ${column}: ${reason}`, { code: 'E_XML' });
  }
}

const NAME = /[A-Za-z_:\u00C0-\uFFFF][-A-Za-z0-9_.:\u00B7\u00C0-\uFFFF]*/y;
const SPACE = /[ \t\n]*/y;
/** A character XML allows (XML 1.0 "Char"). */
const XML_CHAR = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]$/u;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

interface Frame {
  el: XmlElement;
  at: number;
  texts: string[];
}

/** Parses one XML document into its root element; throws {@link XmlParseError} when it is malformed. */
export function parseXml(input: string): XmlElement {
  // XML end-of-line handling: \r\n and a lone \r are read as \n.
  const s = input.replace(/\r\n?/g, '\n');
  let pos = s.charCodeAt(0) === 0xfeff ? 1 : 0;
  const stack: Frame[] = [];
  let root: XmlElement | undefined;

  const fail = (reason: string, at = pos): never => {
    const before = s.slice(0, at);
    const line = before.split('\n').length;
    throw new XmlParseError(reason, line, at - before.lastIndexOf('\n'));
  };
  const lineOf = (at: number) => s.slice(0, at).split('\n').length;
  const match = (re: RegExp): string | undefined => {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (m) pos = re.lastIndex;
    return m?.[0];
  };
  const skipSpace = () => (match(SPACE) ?? '') !== '';
  const readName = () => match(NAME);
  /** Moves past the next `marker` and returns what came before it. */
  const skipTo = (marker: string, what: string): string => {
    const close = s.indexOf(marker, pos);
    if (close < 0) fail(`${what} is never closed (missing "${marker}")`);
    const body = s.slice(pos, close);
    pos = close + marker.length;
    return body;
  };
  const decode = (raw: string, base: number): string => {
    if (!raw.includes('&')) return raw;
    let out = '';
    let i = 0;
    for (let amp = raw.indexOf('&'); amp >= 0; amp = raw.indexOf('&', i)) {
      out += raw.slice(i, amp);
      const semi = raw.indexOf(';', amp);
      const ch = semi < 0 ? undefined : resolveReference(raw.slice(amp + 1, semi));
      if (ch === undefined) {
        const shown = raw.slice(amp, semi < 0 ? amp + 12 : Math.min(semi + 1, amp + 12));
        const hint = shown.startsWith('&#') ? '' : ' (a literal & is written &amp;)';
        fail(`invalid entity or character reference "${shown}"${hint}`, base + amp);
      }
      out += ch;
      i = semi + 1;
    }
    return out + raw.slice(i);
  };
  const attach = (el: XmlElement, at: number) => {
    const parent = stack[stack.length - 1];
    if (parent) parent.el.children.push(el);
    else if (root) fail(`second root element <${el.name}> (the first was <${root.name}>)`, at);
    else root = el;
  };

  while (pos < s.length) {
    const lt = s.indexOf('<', pos);
    const end = lt < 0 ? s.length : lt;
    if (end > pos) {
      const raw = s.slice(pos, end);
      const top = stack[stack.length - 1];
      if (top) top.texts.push(decode(raw, pos));
      else if (raw.trim() !== '') fail('text outside the root element', pos + raw.search(/\S/));
      pos = end;
      continue;
    }
    const at = pos;
    if (s.startsWith('<!--', pos)) {
      pos += 4;
      skipTo('-->', 'comment');
    } else if (s.startsWith('<?', pos)) {
      pos += 2;
      skipTo('?>', 'processing instruction');
    } else if (s.startsWith('<![CDATA[', pos)) {
      const top = stack[stack.length - 1] ?? fail('CDATA section outside the root element');
      pos += 9;
      top.texts.push(skipTo(']]>', 'CDATA section'));
    } else if (s.startsWith('<!', pos)) {
      fail('DOCTYPE and other declarations are not supported');
    } else if (s.startsWith('</', pos)) {
      pos += 2;
      const name = readName() ?? fail('expected an element name after "</"');
      skipSpace();
      if (s[pos] !== '>') fail(`expected ">" to end </${name}>`);
      pos++;
      const top = stack.pop() ?? fail(`closing tag </${name}> without an opening tag`, at);
      if (top.el.name !== name)
        fail(`closing tag </${name}> does not match <${top.el.name}> opened at line ${lineOf(top.at)}`, at);
      finish(top);
    } else {
      pos++;
      const name = readName() ?? fail('expected an element name after "<" (write < as &lt;)');
      const el: XmlElement = { name, attrs: {}, children: [] };
      let selfClosing = false;
      for (;;) {
        const spaced = skipSpace();
        if (pos >= s.length) fail(`unexpected end of input inside the <${name}> tag`);
        if (s.startsWith('/>', pos)) {
          selfClosing = true;
          pos += 2;
          break;
        }
        if (s[pos] === '>') {
          pos++;
          break;
        }
        const attrAt = pos;
        const attr = readName() ?? fail(`unexpected character "${s[pos]}" in the <${name}> tag`);
        if (!spaced) fail(`expected a space before attribute "${attr}"`, attrAt);
        skipSpace();
        if (s[pos] !== '=') fail(`attribute "${attr}" has no value (expected "=")`);
        pos++;
        skipSpace();
        const quote = s[pos];
        if (quote !== '"' && quote !== "'") fail(`the value of attribute "${attr}" must be quoted`);
        const close = s.indexOf(quote!, pos + 1);
        if (close < 0) fail(`the value of attribute "${attr}" is never closed`);
        const raw = s.slice(pos + 1, close);
        const lt2 = raw.indexOf('<');
        if (lt2 >= 0) fail(`"<" in the value of attribute "${attr}" (write it as &lt;)`, pos + 1 + lt2);
        if (Object.hasOwn(el.attrs, attr)) fail(`duplicate attribute "${attr}" on <${name}>`, attrAt);
        // Attribute-value normalization: literal tabs and newlines read as spaces (character references stay).
        const value = decode(raw.replace(/[\t\n]/g, ' '), pos + 1);
        Object.defineProperty(el.attrs, attr, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
        pos = close + 1;
      }
      attach(el, at);
      if (!selfClosing) stack.push({ el, at, texts: [] });
    }
  }
  const open = stack[stack.length - 1];
  if (open) fail(`<${open.el.name}> opened at line ${lineOf(open.at)} is never closed`, s.length);
  return root ?? fail('no root element', s.length);
}

function resolveReference(ref: string): string | undefined {
  const named = Object.hasOwn(NAMED, ref) ? NAMED[ref] : undefined;
  if (named !== undefined) return named;
  const m = /^#(?:([0-9]+)|x([0-9a-fA-F]+))$/.exec(ref);
  if (!m) return undefined;
  const code = m[1] !== undefined ? Number.parseInt(m[1], 10) : Number.parseInt(m[2]!, 16);
  const ch = code <= 0x10ffff ? String.fromCodePoint(code) : '';
  return XML_CHAR.test(ch) ? ch : undefined;
}

/** Sets the text of a closed element: verbatim for a leaf, trimmed pieces for mixed content. */
function finish({ el, texts }: Frame): void {
  const pieces = el.children.length === 0 ? texts : texts.map((t) => t.trim());
  if (texts.some((t) => t.trim() !== '')) el.text = pieces.join('');
}

/**
 * Pretty-prints an element: one element per line, `indent` spaces per level (default 2), attributes in their
 * order, `<x/>` when there is neither a child nor text. No trailing newline, no XML declaration.
 */
export function serializeXml(el: XmlElement, options: SerializeOptions = {}): string {
  const indent = options.indent ?? 2;
  if (!Number.isInteger(indent) || indent < 0)
    throw new RangeError(`indent must be a whole number ≥ 0, got ${indent}`);
  const out: string[] = [];
  write(el, 0, ' '.repeat(indent), false, out);
  return out.join('\n');
}

/** {@link serializeXml} with every element's attributes sorted by name: equal strings mean equal documents. */
export function canonicalXml(el: XmlElement): string {
  const out: string[] = [];
  write(el, 0, '  ', true, out);
  return out.join('\n');
}

function write(el: XmlElement, depth: number, unit: string, sorted: boolean, out: string[]): void {
  const pad = unit.repeat(depth);
  const names = Object.keys(el.attrs);
  if (sorted) names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const open = `<${el.name}${names.map((n) => ` ${n}="${escapeAttr(el.attrs[n]!)}"`).join('')}`;
  const text = el.text ? escapeText(el.text) : '';
  if (el.children.length === 0) {
    out.push(text ? `${pad}${open}>${text}</${el.name}>` : `${pad}${open}/>`);
    return;
  }
  out.push(`${pad}${open}>${text}`);
  for (const child of el.children) write(child, depth + 1, unit, sorted, out);
  out.push(`${pad}</${el.name}>`);
}

/** Escapes `& < >` (and a carriage return) in text. */
export const escapeText = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');

/** Escapes an attribute value for double quotes; tabs and newlines become references so they survive a reparse. */
export const escapeAttr = (value: string): string =>
  escapeText(value).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');

/** A deep copy: the result shares nothing with `el`. */
export function cloneXml(el: XmlElement): XmlElement {
  const copy: XmlElement = { name: el.name, attrs: { ...el.attrs }, children: el.children.map(cloneXml) };
  if (el.text !== undefined) copy.text = el.text;
  return copy;
}

/** The first child element called `name`. */
export function findChild(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name);
}
