import Handlebars from 'handlebars';
import { HakitError } from '../errors/index.js';

/**
 * The one Handlebars environment of hakit: config templates (templates/*.hbs), playbook task arguments and the
 * `template` operation all use it, so a helper behaves the same everywhere.
 *
 * Secrets: a template writes `{{secret ref}}` where `ref` is a secret reference (`env:NAME`/`file:PATH`). The helper
 * asks the {@link SecretProvider} passed as render data (`renderTemplate(…, { secrets })`); the provider decides
 * whether the real value or `********` is printed. Without a provider the helper throws: a template can never
 * print a secret by accident.
 */
export type HandlebarsEnv = typeof Handlebars;

/** Resolves `{{secret ref}}` during one render. */
export interface SecretProvider {
  secret(ref: string): string;
}

export interface CompileOptions {
  /** XML output: every `{{value}}` is XML-escaped (`&`, `<`, `>`, quotes). Text output is never escaped. */
  xml?: boolean;
}

export type CompiledTemplate = (context: unknown, secrets?: SecretProvider) => string;

/** A template or helper error; the message names the problem, never a value. */
export class TemplateRenderError extends HakitError {
  constructor(message: string) {
    super(message, { code: 'E_TEMPLATE' });
  }
}

type HelperOptions = Handlebars.HelperOptions;

function isOptions(v: unknown): v is HelperOptions {
  return typeof v === 'object' && v !== null && 'hash' in v && 'data' in v;
}

/** Arguments of a helper without the trailing Handlebars options object. */
function args(all: unknown[]): unknown[] {
  return isOptions(all[all.length - 1]) ? all.slice(0, -1) : all;
}

/** Creates an isolated Handlebars environment with hakit's helpers registered. */
export function createHandlebars(): HandlebarsEnv {
  const hb = Handlebars.create();

  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hb.registerHelper('ne', (a: unknown, b: unknown) => a !== b);
  hb.registerHelper('gt', (a: unknown, b: unknown) => Number(a) > Number(b));
  hb.registerHelper('lt', (a: unknown, b: unknown) => Number(a) < Number(b));
  hb.registerHelper('and', (...all: unknown[]) => args(all).every(Boolean));
  hb.registerHelper('or', (...all: unknown[]) => args(all).some(Boolean));
  hb.registerHelper('not', (a: unknown) => !a);
  /** `{{default value "fallback"}}`: the value unless it is undefined, null or "". */
  hb.registerHelper('default', (v: unknown, fallback: unknown) =>
    v === undefined || v === null || v === '' ? fallback : v,
  );
  /** `{{join list ", "}}` (default separator: one space). */
  hb.registerHelper('join', (...all: unknown[]) => {
    const [list, sep] = args(all);
    if (!Array.isArray(list)) return '';
    return list.map(String).join(typeof sep === 'string' ? sep : ' ');
  });
  /** `{{concat a b …}}`: strings joined without separator (useful in sub-expressions). */
  hb.registerHelper('concat', (...all: unknown[]) =>
    args(all)
      .map((v) => String(v ?? ''))
      .join(''),
  );
  hb.registerHelper('upper', (s: unknown) => String(s ?? '').toUpperCase());
  hb.registerHelper('lower', (s: unknown) => String(s ?? '').toLowerCase());
  hb.registerHelper('json', (v: unknown) => JSON.stringify(v));
  /** `{{bool01 value}}`: 1 or 0 (corosync flags). */
  hb.registerHelper('bool01', (v: unknown) => (v ? '1' : '0'));
  /** `{{secret ref}}`: the secret's value or `********`, decided by the render's SecretProvider. */
  hb.registerHelper('secret', function (this: unknown, ref: unknown, options: HelperOptions) {
    const provider = (options?.data as { secrets?: SecretProvider } | undefined)?.secrets;
    if (!provider) throw new TemplateRenderError('the secret helper was used without a secret provider');
    if (typeof ref !== 'string' || ref === '')
      throw new TemplateRenderError('the secret helper needs a secret reference (env:NAME or file:PATH)');
    return provider.secret(ref);
  });
  return hb;
}

/**
 * Compiles a template. Missing fields are errors (`strict`), so a typo in a template fails loudly instead of
 * rendering an empty value.
 */
export function compileTemplate(
  hb: HandlebarsEnv,
  source: string,
  opts: CompileOptions = {},
): CompiledTemplate {
  return wrapTemplate(hb.compile(source, compileOptions(opts)));
}

/** The Handlebars options of config templates (also those the build precompiles them with). */
export function compileOptions(opts: CompileOptions = {}): { noEscape: boolean; strict: true } {
  return { noEscape: !opts.xml, strict: true };
}

/** A compiled (or precompiled and loaded) Handlebars template as a CompiledTemplate: secrets and errors. */
export function wrapTemplate(fn: Handlebars.TemplateDelegate): CompiledTemplate {
  return (context, secrets) => {
    try {
      return fn(context, { data: { secrets } });
    } catch (err) {
      if (err instanceof TemplateRenderError) throw err;
      const msg = err instanceof Error ? err.message : String(err);
      throw new TemplateRenderError(msg.replace(/ in \[object Object\]/g, ''));
    }
  };
}

/**
 * The environment in the shape the playbook engine expects (`compile(source) → (ctx) => string`): text output,
 * not escaped, non-strict (task arguments look up optional variables).
 */
export function createTemplateEnv(hb: HandlebarsEnv = createHandlebars()): {
  compile(source: string): (context: unknown) => string;
} {
  return { compile: (source) => hb.compile(source, { noEscape: true }) };
}
