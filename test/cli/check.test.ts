import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, hakitSync } from '../support/cli.js';
import { EXAMPLE_SECRETS } from '../support/example-secrets.js';

/** `hakit render` and `hakit check` as a user runs them: the built CLI in a child process. */
const tmp = mkdtempSync(join(tmpdir(), 'hakit-cli-check-'));

// Known values for every env secret the example inventories reference; none may ever be printed.
const SECRETS = EXAMPLE_SECRETS;

function hakit(args: string[], env: NodeJS.ProcessEnv = {}) {
  return hakitSync(args, { env: { ...SECRETS, ...env } });
}

function expectNoSecret(text: string) {
  for (const v of Object.values(SECRETS)) expect(text).not.toContain(v);
}

beforeAll(() => ensureBuilt(), 180_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('hakit check', () => {
  it.each(['production.example', 'staging.example', 'sandbox'])(
    '%s: every validator passes by name, corosync fully on every node; exit 0; no secret printed',
    (name) => {
      const r = hakit(['check', '-i', `inventories/${name}.yaml`]);
      expect(r.stderr).toBe('');
      expect(r.code, r.stderr).toBe(0);
      const rows = r.stdout.split('\n').filter((l) => /^\S+\s+\/\S+\s+\S/.test(l));
      const corosync = rows.filter((l) => l.includes('/etc/corosync/corosync.conf'));
      expect(corosync.length).toBeGreaterThan(1);
      for (const l of corosync) expect(l).toMatch(/corosync -t\s+passed$/);
      for (const v of ['crm_verify', 'haproxy -c', 'chronyd -p'])
        expect(r.stdout).toMatch(new RegExp(`${v}\\s+passed`));
      for (const l of rows) expect(l).toMatch(/(passed|no validator)$/);
      expect(r.stdout).toMatch(/0 failed, 0 partial, 0 skipped/);
      expectNoSecret(r.stdout + r.stderr);
    },
  );

  it('--output json: one document with a result per file', () => {
    const r = hakit(['check', '-i', 'inventories/staging.example.yaml', '--output', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      results: Array<{ node: string; validator: string; status: string }>;
      summary: Record<string, number>;
    };
    expect(doc.summary.failed).toBe(0);
    expect(
      doc.results.filter((x) => x.validator === 'keepalived -t').map((x) => `${x.node}:${x.status}`),
    ).toEqual(['stg-a:passed', 'stg-b:passed']);
    expectNoSecret(r.stdout + r.stderr);
  });

  it('an invalid inventory: exit 2 with file:line:column diagnostics', () => {
    const inv = join(tmp, 'bad.yaml');
    writeFileSync(
      inv,
      readFileSync('inventories/sandbox.yaml', 'utf8').replace('    token: 1000', '    tokne: 1000'),
    );
    const r = hakit(['check', '-i', inv]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`${inv.replace(/[.]/g, '\\.')}:\\d+:\\d+: error: .*tokne`));
    expect(r.stdout).toBe('');
  });

  it('warnings are printed and fail only with --strict', () => {
    const inv = join(tmp, 'warn.yaml');
    writeFileSync(
      inv,
      readFileSync('inventories/sandbox.yaml', 'utf8').replace(
        'stonith-enabled: true',
        'stonith-enabled: false',
      ),
    );
    const lax = hakit(['check', '-i', inv]);
    expect(lax.code, lax.stderr).toBe(0);
    expect(lax.stderr).toMatch(/warning: .*stonith-enabled/);
    const strict = hakit(['check', '-i', inv, '--strict']);
    expect(strict.code, strict.stderr).toBe(2);
    expect(strict.stderr).toMatch(/stonith-enabled/);
  });

  it('a file its validator rejects: exit 5, the table names node, file, validator and its message', () => {
    const inv = join(tmp, 'broken-haproxy.yaml');
    writeFileSync(
      inv,
      readFileSync('inventories/staging.example.yaml', 'utf8').replace(
        '      default_backend: app\n',
        '      default_backend: app\n      options: [no-such-option]\n',
      ),
    );
    const r = hakit(['check', '-i', inv]);
    expect(r.code, r.stderr).toBe(5);
    expect(r.stdout).toMatch(/stg-a\s+\/etc\/haproxy\/haproxy\.cfg\s+haproxy -c\s+FAILED/);
    expect(r.stdout).toMatch(/unknown option 'no-such-option'/);
    expect(r.stderr).toMatch(
      /hakit: 2 files failed validation: stg-a:\/etc\/haproxy\/haproxy\.cfg \(haproxy -c\)/,
    );
    expectNoSecret(r.stdout + r.stderr);
  });

  it('validators missing from PATH are reported as skipped, by name', () => {
    const empty = join(tmp, 'empty-path');
    execFileSync('mkdir', ['-p', empty]);
    const r = hakit(['check', '-i', 'inventories/staging.example.yaml'], { PATH: empty });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/stg-a\s+\/etc\/haproxy\/haproxy\.cfg\s+haproxy -c\s+skipped \(not installed\)/);
    expect(r.stdout).toMatch(/drbdadm is not installed/);
    expect(r.stdout).not.toMatch(/\bpassed$/m);
  });
});

describe('hakit render', () => {
  it('writes DIR/NODE/<path> with modes, masks secrets, prints a summary', () => {
    const out = join(tmp, 'render-prod');
    const r = hakit(['render', '-i', 'inventories/production.example.yaml', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/rendered 45 files for 5 nodes into .*render-prod \(secrets masked\)/);
    const corosync = readFileSync(join(out, 'db1/etc/corosync/corosync.conf'), 'utf8');
    expect(corosync).toContain('cluster_name: prod-ha');
    expect(statSync(join(out, 'db1/var/lib/hakit/cib.xml')).mode & 0o777).toBe(0o600);
    // The authkey is listed with its real mode, its bytes never read: the mask stands in for them.
    expect(r.stdout).toMatch(/db1\s+0400\s+\/etc\/corosync\/authkey/);
    expect(readFileSync(join(out, 'db1/etc/corosync/authkey'), 'utf8')).toBe('********');
    expect(statSync(join(out, 'db1/usr/local/bin/hakit-clustercheck')).mode & 0o777).toBe(0o755);
    expect(readFileSync(join(out, 'fs2/etc/drbd.d/shared.res'), 'utf8')).toContain('on fs2 {');
    expect(existsSync(join(out, 'fs1/etc/haproxy/haproxy.cfg'))).toBe(false);
    const cib = readFileSync(join(out, 'db1/var/lib/hakit/cib.xml'), 'utf8');
    expect(cib).toContain('name="password" value="********"');
    expectNoSecret(cib + r.stdout + r.stderr);
    // Same bytes as the golden files.
    expect(corosync).toBe(
      readFileSync('test/render/golden/production.example/db1/etc/corosync/corosync.conf', 'utf8'),
    );
  });

  it('a missing inventory: exit 2', () => {
    const r = hakit(['render', '-i', join(tmp, 'nope.yaml'), '-o', join(tmp, 'x')]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/cannot read/);
  });
});
