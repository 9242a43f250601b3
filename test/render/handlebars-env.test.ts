import { describe, expect, it } from 'vitest';
import {
  compileTemplate,
  createHandlebars,
  createTemplateEnv,
  TemplateRenderError,
} from '../../src/render/handlebars-env.js';

describe('the shared Handlebars environment', () => {
  const hb = createHandlebars();

  it('text templates are not HTML-escaped; XML templates are XML-escaped', () => {
    const ctx = { v: `a&b<c>"d"` };
    expect(compileTemplate(hb, 'x={{v}}')(ctx)).toBe(`x=a&b<c>"d"`);
    expect(compileTemplate(hb, '<n value="{{v}}"/>', { xml: true })(ctx)).toBe(
      '<n value="a&amp;b&lt;c&gt;&quot;d&quot;"/>',
    );
  });

  it('strict: a field missing from the context is an error, not an empty string', () => {
    expect(() => compileTemplate(hb, 'token: {{totem.tokn}}')({ totem: { token: 1 } })).toThrow(
      TemplateRenderError,
    );
  });

  it('secret helper: asks the provider; without one it refuses to render', () => {
    const t = compileTemplate(hb, 'pass={{secret ref}}');
    expect(t({ ref: 'env:X' }, { secret: (r) => `<${r}>` })).toBe('pass=<env:X>');
    expect(() => t({ ref: 'env:X' })).toThrow(/without a secret provider/);
  });

  it('helpers: eq, join, concat, bool01, default', () => {
    const t = compileTemplate(
      hb,
      '{{#if (eq a 1)}}one{{/if}} {{join list ","}} {{concat "x" a}} {{bool01 f}} {{default n "dflt"}}',
    );
    expect(t({ a: 1, list: ['p', 'q'], f: false, n: null })).toBe('one p,q x1 0 dflt');
  });

  it('createTemplateEnv: the playbook-engine shape (compile → render), unescaped', () => {
    const env = createTemplateEnv(hb);
    expect(env.compile('{{a}} & {{join b "+"}}')({ a: '<x>', b: [1, 2] })).toBe('<x> & 1+2');
  });
});
