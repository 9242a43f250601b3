import { HakitError } from '../errors/index.js';
import { lookup } from './expr.js';

/** The Handlebars environment used for task arguments (the same one templates/ uses). */
export interface TemplateEnv {
  compile(source: string): (context: unknown) => string;
}

const WHOLE_VALUE = /^\s*\{\{\s*([A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*)\s*\}\}\s*$/;

/** A template that failed to render; the message names the template text position, never values. */
export class TemplateError extends HakitError {
  constructor(message: string) {
    super(message, { code: 'E_TEMPLATE' });
  }
}

/**
 * Renders every string inside `value` that contains `{{`. A string that is exactly one `{{ name.path }}` keeps
 * the referenced value's type (a list stays a list, a number a number), so `loop: "{{ nodes }}"` works.
 */
export class ArgRenderer {
  private readonly cache = new Map<string, (ctx: unknown) => string>();
  constructor(private readonly env: TemplateEnv) {}

  render(value: unknown, scope: Record<string, unknown>): unknown {
    if (typeof value === 'string') return this.renderString(value, scope);
    if (Array.isArray(value)) return value.map((v) => this.render(v, scope));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.render(v, scope);
      return out;
    }
    return value;
  }

  renderString(s: string, scope: Record<string, unknown>): unknown {
    if (!s.includes('{{')) return s;
    const whole = WHOLE_VALUE.exec(s);
    if (whole) {
      const v = lookup(scope, (whole[1] as string).split('.'));
      if (v === undefined) throw new TemplateError(`"${whole[1] as string}" is not defined`);
      return v;
    }
    return this.text(s, scope);
  }

  /** Renders a template to text (used for whole files by the `template` operation too). */
  text(source: string, scope: Record<string, unknown>): string {
    let fn = this.cache.get(source);
    if (!fn) {
      fn = this.env.compile(source);
      this.cache.set(source, fn);
    }
    try {
      return fn(scope);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      throw new TemplateError(msg.replace(/ in \[object Object\]/g, ''));
    }
  }
}
