import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseInventory } from '../../src/inventory/load.js';
import { SecretMasker } from '../../src/model/index.js';
import { MASK } from '../../src/render/types.js';
import { renderNodeFiles } from '../../src/state/render-files.js';
import { EXAMPLE_SECRETS, PRODUCTION_SECRETS, STAGING_SECRETS } from '../support/example-secrets.js';

const SECRETS = PRODUCTION_SECRETS;
const STAGING = STAGING_SECRETS;
const ALL = EXAMPLE_SECRETS;

function load(name: string) {
  const file = `inventories/${name}.yaml`;
  return parseInventory(file, readFileSync(file, 'utf8'));
}

describe('secrets in rendered files', () => {
  const saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    for (const [k, v] of Object.entries(ALL)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
  });
  afterEach(() => {
    for (const k of Object.keys(ALL)) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  it.each(['production.example', 'staging.example'])(
    'mask mode (%s): no secret value anywhere, masks where secrets go',
    (name) => {
      const files = renderNodeFiles(load(name), { secrets: 'mask' });
      for (const f of files) for (const v of Object.values(ALL)) expect(f.content).not.toContain(v);
      const sensitive = files.filter((f) => f.sensitive);
      expect(sensitive.length).toBeGreaterThan(0);
      for (const f of sensitive) expect(f.content).toContain(MASK);
      for (const f of files.filter((x) => !x.sensitive)) expect(f.content).not.toContain(MASK);
    },
  );

  it('reveal mode prints the real values, registers them with the masker and marks the files sensitive', () => {
    const masker = new SecretMasker();
    const files = renderNodeFiles(load('production.example'), { secrets: 'reveal', masker });
    const cib = files.find((f) => f.node === 'db1' && f.kind === 'cib')!;
    expect(cib.content).toContain(`name="password" value="${SECRETS.PROD_IPMI_PASSWORD}"`);
    expect(cib.content).toContain(`name="community" value="${SECRETS.PROD_PDU_COMMUNITY}"`);
    expect(cib.sensitive).toBe(true);
    expect(cib.mode).toBe(0o600);
    const galera = files.find((f) => f.node === 'db2' && f.kind === 'galera')!;
    expect(galera.content).toContain(`wsrep_sst_auth=sst:${SECRETS.PROD_SST_PASSWORD}\n`);
    expect(galera.mode).toBe(0o640);
    expect(galera.group).toBe('mysql');
    const cnf = files.find((f) => f.node === 'db1' && f.path === '/etc/hakit/clustercheck.cnf')!;
    expect(cnf.content).toContain(`password=${SECRETS.PROD_CLUSTERCHECK_PASSWORD}\n`);
    // Everything that went into a file is masked again by the run's masker.
    for (const f of files) {
      const masked = masker.mask(f.content);
      for (const v of Object.values(SECRETS)) expect(masked).not.toContain(v);
    }
    // The corosync file has no secret at all.
    expect(files.find((f) => f.kind === 'corosync')!.sensitive).toBe(false);
  });

  it('keepalived auth_pass: masked, then revealed', () => {
    const masked = renderNodeFiles(load('staging.example'), { secrets: 'mask' }).find(
      (f) => f.kind === 'keepalived',
    )!;
    expect(masked.content).toContain(`auth_pass ${MASK}\n`);
    expect(masked.mode).toBe(0o600);
    const real = renderNodeFiles(load('staging.example'), { secrets: 'reveal' }).find(
      (f) => f.kind === 'keepalived',
    )!;
    expect(real.content).toContain(`auth_pass ${STAGING.STG_VRRP_PASSWORD}\n`);
  });

  it('mask mode resolves no secret: rendering works with every secret variable unset', () => {
    for (const k of Object.keys(ALL)) delete process.env[k];
    expect(() => renderNodeFiles(load('production.example'), { secrets: 'mask' })).not.toThrow();
    expect(() => renderNodeFiles(load('production.example'), { secrets: 'reveal' })).toThrow(
      /PROD_IPMI_PASSWORD is not set/,
    );
  });
});
