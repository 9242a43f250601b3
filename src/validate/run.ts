import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Semaphore } from '../connect/semaphore.js';
import { type Inventory, linkAddresses } from '../inventory/index.js';
import type { RenderedFile } from '../render/types.js';
import { findBinary, runProcess } from './exec.js';
import { describeNetwork, probeIsolation, runIsolated } from './netns.js';
import type { ValidateOptions, ValidationResult } from './types.js';
import { cleanOutput, defaultJudge, type Judgement, validatorFor } from './validators.js';

const MAX_MESSAGE_LINES = 30;

/**
 * Runs every rendered file through its real validator, at most `concurrency` at once (default 2). A validator
 * that is not installed is reported as skipped (never as passed). Validators run inside a private network
 * namespace shaped like the node's network when possible, so a check can never reach any network.
 * Results come back in the order of `files`.
 */
export async function validateFiles(
  files: RenderedFile[],
  inventory: Inventory,
  opts: ValidateOptions = {},
): Promise<ValidationResult[]> {
  const searchPath = opts.path ?? process.env.PATH ?? '';
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const mask = opts.mask ?? ((s: string) => s);
  const iso = opts.isolate === false ? null : await probeIsolation(searchPath);
  const sem = new Semaphore(Math.max(1, opts.concurrency ?? 2));
  const addresses = new Map(inventory.nodes.map((n) => [n.name, linkAddresses(n)]));
  const env = { ...process.env, PATH: searchPath, LC_ALL: 'C' };
  const work = mkdtempSync(join(tmpdir(), 'hakit-validate-'));
  // Same validator + same content (+ same node when the check depends on it) → one run, shared result.
  const cache = new Map<string, Promise<Omit<ValidationResult, 'node' | 'path' | 'kind'>>>();
  let seq = 0;

  const one = (file: RenderedFile): Promise<Omit<ValidationResult, 'node' | 'path' | 'kind'>> => {
    const spec = validatorFor(file);
    if (!spec)
      return Promise.resolve({ validator: '-', status: 'none', message: 'no validator for this file' });
    const bin = findBinary(spec.binary, searchPath);
    if (!bin)
      return Promise.resolve({
        validator: spec.name,
        status: 'skipped',
        message: `${spec.binary} is not installed (not found in PATH)`,
      });
    const key = `${spec.name}\0${spec.perNode ? file.node : ''}\0${file.content}`;
    let p = cache.get(key);
    if (!p) {
      p = (async () => {
        const release = await sem.acquire();
        const dir = join(work, String(seq++));
        try {
          mkdirSync(dir, { mode: 0o700 });
          const tmp = join(dir, basename(file.path));
          writeFileSync(tmp, file.content, { mode: 0o600 });
          const prepared = spec.prepare(file, {
            file: tmp,
            bin,
            addresses: addresses.get(file.node) ?? [],
            write: (name, content) => {
              const p2 = join(dir, name);
              writeFileSync(p2, content, { mode: 0o600 });
              return p2;
            },
          });
          const runEnv = { ...env, ...prepared.env };
          const network = prepared.network ?? { addresses: [], interfaces: [] };
          let isolated = false;
          let setupError: string | null = null;
          let r: { exitCode: number | null; stdout: string; stderr: string; timedOut: boolean };
          if (iso) {
            const ri = await runIsolated(iso, network, prepared.argv, { env: runEnv, timeoutMs });
            if (ri.setupFailed) {
              setupError = cleanOutput(ri.stderr);
              r = await runProcess(prepared.argv, { env: runEnv, timeoutMs });
            } else {
              isolated = true;
              r = ri;
            }
          } else {
            r = await runProcess(prepared.argv, { env: runEnv, timeoutMs });
          }
          const restore = (s: string) => mask(s.split(tmp).join(file.path).split(dir).join('<tmp>'));
          const out = restore(cleanOutput(r.stderr) || cleanOutput(r.stdout));
          let verdict: Judgement;
          if (r.timedOut) verdict = { status: 'failed', message: `timed out after ${timeoutMs} ms` };
          else verdict = (spec.judge ?? defaultJudge)(r.exitCode, out, isolated, restore(r.stdout));
          if (verdict.status === 'passed' && spec.needsNodeNetwork && !isolated)
            verdict = {
              status: 'partial',
              message: 'checked outside the node network (no network namespace)',
            };
          const detail = isolated
            ? `in a ${describeNetwork(network)}`
            : setupError
              ? `network namespace failed: ${setupError}`
              : 'without network isolation';
          const res: Omit<ValidationResult, 'node' | 'path' | 'kind'> = {
            validator: spec.name,
            status: verdict.status,
            detail,
          };
          if (verdict.message) res.message = truncate(verdict.message);
          return res;
        } finally {
          release();
        }
      })();
      cache.set(key, p);
    }
    return p;
  };

  try {
    const results = await Promise.all(
      files.map(async (f) => ({ node: f.node, path: f.path, kind: f.kind, ...(await one(f)) })),
    );
    return results;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function truncate(msg: string): string {
  const lines = msg.split('\n');
  if (lines.length <= MAX_MESSAGE_LINES) return msg;
  return [...lines.slice(0, MAX_MESSAGE_LINES), `… (${lines.length - MAX_MESSAGE_LINES} more lines)`].join(
    '\n',
  );
}

/** Counts by status. */
export function summarize(results: ValidationResult[]): Record<ValidationResult['status'], number> {
  const out = { passed: 0, failed: 0, partial: 0, skipped: 0, none: 0 };
  for (const r of results) out[r.status]++;
  return out;
}
