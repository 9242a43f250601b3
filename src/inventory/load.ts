import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { semanticChecks } from '../components/inventory-checks.js';
import { type Inventory, inventorySchema } from '../components/inventory-schema.js';
import { type Diagnostic, InputError } from '../errors/index.js';
import type { SecretMasker, SecretRef } from '../model/index.js';
import { allowedKeysAt } from './schema-walk.js';
import { resolveSecret, resolveSecretBytes } from './secret.js';
import { YamlSource, zodIssuesToDiagnostics } from './yaml-source.js';

export interface LoadedInventory {
  /** Path as given (used in messages). */
  file: string;
  /** Directory that relative paths and `file:` secrets are resolved against. */
  dir: string;
  inventory: Inventory;
  warnings: Diagnostic[];
  source: YamlSource;
  /** Resolves a secret reference and registers its value with the masker (when one is given). */
  secret(ref: SecretRef, masker?: SecretMasker): string;
  secretBytes(ref: SecretRef): Buffer;
  /** Absolute path of a path written in the inventory (relative to the inventory file). */
  path(p: string): string;
}

export interface LoadOptions {
  /** Warnings fail the load (exit 2). */
  strict?: boolean;
}

/** Reads, parses and checks an inventory file. Throws InputError (exit 2) with positioned diagnostics. */
export async function loadInventory(file: string, opts: LoadOptions = {}): Promise<LoadedInventory> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`cannot read inventory ${file}${code ? ` (${code})` : ''}`, [
      {
        severity: 'error',
        file,
        line: 1,
        column: 1,
        path: '',
        message: `cannot read file${code ? ` (${code})` : ''}`,
      },
    ]);
  }
  return parseInventory(file, text, opts);
}

export function parseInventory(file: string, text: string, opts: LoadOptions = {}): LoadedInventory {
  const source = new YamlSource(file, text);
  const syntax = source.syntaxDiagnostics();
  const syntaxErrors = syntax.filter((d) => d.severity === 'error');
  if (syntaxErrors.length) throw new InputError(`${file}: invalid YAML; no host was contacted`, syntaxErrors);
  const data = source.toJS();
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    throw new InputError(`${file}: not an inventory; no host was contacted`, [
      source.diagnostic([], 'the inventory must be a mapping with cluster, nodes, …'),
    ]);
  const parsed = inventorySchema.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    const diags = zodIssuesToDiagnostics(source, parsed.error.issues, (path) =>
      allowedKeysAt(inventorySchema, path, data),
    );
    throw new InputError(
      `${file}: ${countLabel(diags.length, 'error')} in the inventory; no host was contacted`,
      sortDiags(diags),
    );
  }
  const inventory = parsed.data;
  const findings = semanticChecks(inventory).map((f) => source.diagnostic(f.path, f.message, f.severity));
  const errors = findings.filter((d) => d.severity === 'error' || opts.strict);
  const warnings = findings.filter((d) => d.severity === 'warning');
  if (errors.length) {
    const shown = errors.map((d) => ({ ...d, severity: 'error' as const }));
    throw new InputError(
      `${file}: ${countLabel(shown.length, 'error')} in the inventory${opts.strict && warnings.length ? ' (warnings count as errors with --strict)' : ''}; no host was contacted`,
      sortDiags(shown),
    );
  }
  const dir = dirname(resolve(file));
  return {
    file,
    dir,
    inventory,
    warnings: sortDiags(warnings),
    source,
    secret(ref, masker) {
      const v = resolveSecret(ref, dir);
      masker?.add(v);
      return v;
    },
    secretBytes(ref) {
      return resolveSecretBytes(ref, dir);
    },
    path(p) {
      return resolve(dir, p);
    },
  };
}

function sortDiags(ds: Diagnostic[]): Diagnostic[] {
  return [...ds].sort((a, b) => a.line - b.line || a.column - b.column);
}

function countLabel(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}
