import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ensureBuilt, ROOT } from '../support/cli.js';

/** The bundle bin/hakit.js loads (scripts/bundle.ts): what users run, so it must be the whole CLI. */
describe('the bundled CLI (dist/bundle)', () => {
  it('holds the whole CLI (it loads, and bin/hakit.js answers through it); the sandbox code is a chunk of its own', () => {
    ensureBuilt();
    const dir = join(ROOT, 'dist', 'bundle');
    const files = readdirSync(dir);
    expect(files).toContain('main.js');
    // testcontainers is loaded only by `hakit sandbox`: no chunk the CLI loads at start imports it.
    const main = readFileSync(join(dir, 'main.js'), 'utf8');
    const staticImports = [...main.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
    expect(staticImports).not.toContain('testcontainers');
    expect(files.some((f) => f.startsWith('sandbox-'))).toBe(true);
    // Loaded through bin/hakit.js, with a probe that reports which file served `main`.
    const probe = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { existsSync } from 'node:fs'; const m = await import(${JSON.stringify(`${dir}/main.js`)}); console.log(typeof m.main, existsSync(${JSON.stringify(`${dir}/main.js`)}));`,
      ],
      { encoding: 'utf8' },
    );
    expect(probe.status, probe.stderr).toBe(0);
    expect(probe.stdout.trim()).toBe('function true');
    const r = spawnSync(process.execPath, [BIN, 'schema'], { encoding: 'utf8', cwd: ROOT });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).type).toBe('object');
    const bad = spawnSync(process.execPath, [BIN, 'check', '-i', 'inventories/does-not-exist.yaml'], {
      encoding: 'utf8',
      cwd: ROOT,
    });
    expect(bad.status, bad.stderr).toBe(2);
  });
});
