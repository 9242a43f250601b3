import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FIRST_START_SET,
  firstCibCommand,
  pacemakerFirstCibOp,
} from '../../../src/components/pacemaker/first-cib-op.js';
import { factKey } from '../../../src/facts/request.js';
import { desiredCib } from '../../../src/pacemaker/cib-merge.js';
import { findChild, parseXml, serializeXml } from '../../../src/pacemaker/xml.js';

const DESIRED = readFileSync('test/render/golden/sandbox/node1/var/lib/hakit/cib.xml', 'utf8');

const facts = (cibExists: boolean, active: string) =>
  new Map<string, unknown>([
    [factKey({ fact: 'path_exists', args: { path: '/var/lib/pacemaker/cib/cib.xml' } }), cibExists],
    [
      factKey({ fact: 'units', args: { names: ['pacemaker'] } }),
      { systemd: true, units: { pacemaker: { active, load: 'loaded', enabled: true } } },
    ],
  ]);
const plan = (cibExists: boolean, active: string, dc?: number) =>
  pacemakerFirstCibOp.plan(
    pacemakerFirstCibOp.args.parse(dc ? { dc_deadtime: dc } : {}),
    facts(cibExists, active),
  );

describe('pacemaker_first_cib', () => {
  it('plans the first CIB only before the very first start: no CIB on disk and pacemaker not running', () => {
    const p = plan(false, 'inactive');
    expect(p.steps).toHaveLength(1);
    expect(p.summary).toBe('first CIB: dc-deadtime 2s for the first election');
    expect(plan(true, 'inactive').steps).toEqual([]);
    expect(plan(false, 'active').steps).toEqual([]);
    expect(plan(false, 'activating').steps).toEqual([]);
  });

  it('writes Pacemaker’s own empty CIB with the short dc-deadtime, checked by crm_verify, STONITH left on (real cibadmin)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hakit-cib-'));
    const { command } = firstCibCommand(3, dir, '0:0');
    const r = spawnSync('sh', ['-c', command], { encoding: 'utf8' });
    expect(r.status, `${r.stderr}${r.stdout}`).toBe(0);
    const path = join(dir, 'cib.xml');
    expect((statSync(path).mode & 0o777).toString(8)).toBe('600');
    const cib = parseXml(readFileSync(path, 'utf8'));
    expect(cib.attrs['validate-with']).toMatch(/^pacemaker-\d+\.\d+$/);
    const text = readFileSync(path, 'utf8');
    expect(text).toContain(`<nvpair id="${FIRST_START_SET}-dc-deadtime" name="dc-deadtime" value="3s"/>`);
    expect(text).not.toContain('stonith-enabled');
    expect(text).not.toContain('verify-only');
    // The temp file is gone.
    expect(spawnSync('ls', ['-A', dir], { encoding: 'utf8' }).stdout.trim()).toBe('cib.xml');
  });

  it('the first pacemaker_cib merge drops the first-start set (hakit owns crm_config): no lasting dc-deadtime', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hakit-cib-'));
    const r = spawnSync('sh', ['-c', firstCibCommand(2, dir, '0:0').command], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const seeded = parseXml(readFileSync(join(dir, 'cib.xml'), 'utf8'));
    const merged = serializeXml(desiredCib(seeded, parseXml(DESIRED)));
    expect(merged).not.toContain(FIRST_START_SET);
    expect(merged).not.toContain('dc-deadtime');
    const crm = findChild(findChild(parseXml(merged), 'configuration') as never, 'crm_config');
    expect(crm?.children.map((c) => c.attrs.id)).toEqual(['cib-bootstrap-options']);
  });

  it('a failing step leaves no file behind and no temp file (set -e, trap)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hakit-cib-'));
    const r = spawnSync('sh', ['-c', firstCibCommand(2, dir, 'no-such-user-x:no-such-group-x').command], {
      encoding: 'utf8',
    });
    expect(r.status).not.toBe(0);
    expect(spawnSync('ls', ['-A', dir], { encoding: 'utf8' }).stdout.trim()).toBe('');
  });
});
