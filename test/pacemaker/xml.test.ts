import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  canonicalXml,
  cloneXml,
  findChild,
  parseXml,
  serializeXml,
  type XmlElement,
  XmlParseError,
} from '../../src/pacemaker/xml.js';

const fixture = (name: string) => readFileSync(`test/pacemaker/fixtures/${name}`, 'utf8');

/** The error `parseXml` throws for `text`. */
function parseError(text: string): XmlParseError {
  try {
    parseXml(text);
  } catch (e) {
    expect(e).toBeInstanceOf(XmlParseError);
    return e as XmlParseError;
  }
  throw new Error(`parsed without an error: ${text}`);
}

describe('parseXml', () => {
  it('reads a cibadmin -Q document: root attributes in order, sections, nested elements', () => {
    const cib = parseXml(fixture('live-cib.xml'));
    expect(cib.name).toBe('cib');
    expect(Object.keys(cib.attrs).slice(0, 4)).toEqual([
      'crm_feature_set',
      'validate-with',
      'epoch',
      'num_updates',
    ]);
    expect(cib.attrs['cib-last-written']).toBe('Tue Jun  4 10:15:02 2024');
    expect(cib.children.map((c) => c.name)).toEqual(['configuration', 'status']);
    const node2 = findChild(findChild(cib, 'configuration')!, 'nodes')!.children[1]!;
    expect(node2).toEqual({
      name: 'node',
      attrs: { id: '2', uname: 'node2' },
      children: [
        {
          name: 'instance_attributes',
          attrs: { id: 'nodes-2' },
          children: [
            { name: 'nvpair', attrs: { id: 'nodes-2-standby', name: 'standby', value: 'on' }, children: [] },
          ],
        },
      ],
    });
    expect(findChild(cib, 'status')!.children.map((n) => n.attrs.uname)).toEqual(['node1', 'node2', 'node3']);
  });

  it('drops the XML declaration, comments and whitespace-only text, keeps other text', () => {
    const el = parseXml(
      '<?xml version="1.0" encoding="UTF-8"?>\n<!-- head -->\n<a>\n  <!-- inside -->\n  <b>hello world</b>\n  <c> </c>\n</a>\n<!-- tail -->\n',
    );
    expect(el).toEqual({
      name: 'a',
      attrs: {},
      children: [
        { name: 'b', attrs: {}, children: [], text: 'hello world' },
        { name: 'c', attrs: {}, children: [] },
      ],
    });
  });

  it('reads the comment-headed configuration hakit renders', () => {
    const conf = parseXml(fixture('desired-configuration.xml'));
    expect(conf.name).toBe('configuration');
    expect(conf.children.map((c) => c.name)).toEqual([
      'crm_config',
      'nodes',
      'resources',
      'constraints',
      'rsc_defaults',
    ]);
  });

  it('accepts single and double quotes and spaces around "="', () => {
    const el = parseXml(`<nvpair id='a' name = "say" value='he said "hi"' other="it's"/>`);
    expect(el.attrs).toEqual({ id: 'a', name: 'say', value: 'he said "hi"', other: "it's" });
  });

  it('decodes the predefined entities and numeric character references', () => {
    const el = parseXml('<x v="&lt;&amp;&gt;&quot;&apos; &#65;&#x42;&#x1F600;">a &lt; b &amp;&amp; c</x>');
    expect(el.attrs.v).toBe(`<&>"' AB😀`);
    expect(el.text).toBe('a < b && c');
  });

  it('reads literal tabs and newlines in attribute values as spaces, but keeps &#10;', () => {
    const el = parseXml('<x a="one\ntwo\tthree" b="one&#10;two"/>');
    expect(el.attrs).toEqual({ a: 'one two three', b: 'one\ntwo' });
  });

  it('reads CDATA as text and treats CRLF line ends as LF', () => {
    expect(parseXml('<x><![CDATA[a <b> & c]]></x>').text).toBe('a <b> & c');
    expect(parseXml('<x\r\n  a="1"\r\n/>').attrs).toEqual({ a: '1' });
  });

  it('keeps __proto__ as a plain attribute', () => {
    const el = parseXml('<x __proto__="p"/>');
    expect(Object.keys(el.attrs)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(el.attrs)).toBe(Object.prototype);
  });
});

describe('parseXml on malformed input', () => {
  it('names the line of a mismatched closing tag and where the element was opened', () => {
    const e = parseError('<cib>\n  <configuration>\n    <nodes>\n  </configuration>\n</cib>');
    expect(e.line).toBe(4);
    expect(e.message).toMatch(/line 4, column 3/);
    expect(e.message).toMatch(/<\/configuration> does not match <nodes> opened at line 3/);
  });

  it('counts lines the same with CRLF line ends', () => {
    expect(parseError('<a>\r\n<b>\r\n</a>').line).toBe(3);
  });

  it('reports an element that is never closed', () => {
    const e = parseError('<cib>\n  <configuration>\n');
    expect(e.message).toMatch(/<configuration> opened at line 2 is never closed/);
  });

  it.each([
    ['<a>\n<b x=1/></a>', 2, /must be quoted/],
    ['<a>\n\n<b x="1" x="2"/></a>', 3, /duplicate attribute "x"/],
    ['<a v="&nbsp;"/>', 1, /invalid entity or character reference "&nbsp;"/],
    ['<a>\nfish & chips</a>', 2, /invalid entity/],
    ['<a v="x<y"/>', 1, /"<" in the value of attribute "v"/],
    ['<a/>\n<b/>', 2, /second root element <b>/],
    ['<a/>\ntrailing', 2, /text outside the root element/],
    ['<a b="1"c="2"/>', 1, /expected a space before attribute "c"/],
    ['<a>\n</b>', 2, /<\/b> does not match <a>/],
    ['</a>', 1, /without an opening tag/],
    ['<a><!-- open', 1, /comment is never closed/],
    ['<!DOCTYPE cib>\n<cib/>', 1, /DOCTYPE/],
    ['<a v="&#0;"/>', 1, /invalid entity/],
    ['<a\n', 2, /unexpected end of input inside the <a> tag/],
  ])('rejects %j at line %i', (text, line, message) => {
    const e = parseError(text);
    expect(e.line).toBe(line);
    expect(e.message).toMatch(message);
    expect(e.message).toMatch(new RegExp(`^malformed XML at line ${line}, column \\d+: `));
  });

  it('rejects a document without a root element', () => {
    expect(parseError('<?xml version="1.0"?>\n<!-- nothing -->\n').message).toMatch(/no root element/);
    expect(parseError('').message).toMatch(/no root element/);
  });
});

describe('serializeXml', () => {
  it('pretty-prints with 2 spaces, keeps attribute order, self-closes empty elements', () => {
    const el = parseXml('<a z="1" b="2"><b/><c k="v">txt</c><d><e/></d></a>');
    expect(serializeXml(el)).toBe(
      ['<a z="1" b="2">', '  <b/>', '  <c k="v">txt</c>', '  <d>', '    <e/>', '  </d>', '</a>'].join('\n'),
    );
    expect(serializeXml(el, { indent: 4 }).split('\n')[4]).toBe('        <e/>');
  });

  it('escapes & < > " in attribute values and & < > in text', () => {
    const el: XmlElement = { name: 'x', attrs: { v: `a&b<c>d"e'f` }, children: [], text: 'x < y & z > w' };
    expect(serializeXml(el)).toBe(`<x v="a&amp;b&lt;c&gt;d&quot;e'f">x &lt; y &amp; z &gt; w</x>`);
  });

  it('round-trips entities, quotes and newlines in values', () => {
    const el: XmlElement = {
      name: 'nvpair',
      attrs: { id: 'p', value: `<&>"' line1\nline2\ttab` },
      children: [{ name: 't', attrs: {}, children: [], text: ' a&b <c> ' }],
    };
    expect(parseXml(serializeXml(el))).toEqual(el);
  });

  it('writes the rendered configuration back exactly as hakit rendered it (without the comment)', () => {
    const text = fixture('desired-configuration.xml');
    const withoutComment = text.slice(text.indexOf('\n') + 1).trimEnd();
    expect(serializeXml(parseXml(text))).toBe(withoutComment);
  });

  it('writes the cibadmin -Q document back byte for byte (entities included)', () => {
    const text = fixture('live-cib.xml');
    expect(text).toContain('server-status?auto&amp;v=1');
    expect(serializeXml(parseXml(text))).toBe(text.trimEnd());
  });

  it('is stable for mixed content', () => {
    const el = parseXml('<a>lead<b/>tail</a>');
    expect(el.text).toBe('leadtail');
    expect(parseXml(serializeXml(el))).toEqual(el);
  });
});

describe('canonicalXml', () => {
  it('ignores attribute order but not child order or values', () => {
    const a = parseXml('<r><p id="x" class="ocf" type="IPaddr2"/><q/></r>');
    const b = parseXml('<r><p type="IPaddr2" class="ocf" id="x"/><q/></r>');
    expect(canonicalXml(a)).toBe(canonicalXml(b));
    expect(canonicalXml(a)).toContain('<p class="ocf" id="x" type="IPaddr2"/>');
    expect(canonicalXml(parseXml('<r><q/><p id="x" class="ocf" type="IPaddr2"/></r>'))).not.toBe(
      canonicalXml(a),
    );
    expect(canonicalXml(parseXml('<r><p id="x" class="lsb" type="IPaddr2"/><q/></r>'))).not.toBe(
      canonicalXml(a),
    );
  });
});

describe('cloneXml', () => {
  it('copies deeply', () => {
    const el = parseXml('<a k="1"><b k="2"/></a>');
    const copy = cloneXml(el);
    copy.attrs.k = 'changed';
    copy.children[0]!.attrs.k = 'changed';
    copy.children.push({ name: 'c', attrs: {}, children: [] });
    expect(serializeXml(el)).toBe('<a k="1">\n  <b k="2"/>\n</a>');
  });
});
