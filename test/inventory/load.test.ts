import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/index.js';
import {
  effectiveTwoNode,
  loadInventory,
  nodeId,
  parseInventory,
  resolveSecret,
  SecretMasker,
} from '../../src/inventory/index.js';

const base = `cluster:
  name: t
nodes:
  - name: a
    links: [10.1.0.1]
  - name: b
    links: [10.1.0.2]
pacemaker:
  properties:
    stonith-enabled: false
`;

describe('loadInventory', () => {
  it('loads the example inventories with defaults applied', async () => {
    const prod = await loadInventory('inventories/production.example.yaml');
    expect(prod.inventory.nodes).toHaveLength(5);
    expect(prod.inventory.cluster.crypto).toEqual({ cipher: 'aes256', hash: 'sha256' });
    expect(prod.inventory.galera?.innodb_flush_log_at_trx_commit).toBe(1);
    expect(prod.warnings).toEqual([]);
    expect(nodeId(prod.inventory, prod.inventory.nodes[4]!)).toBe(5);
    const staging = await loadInventory('inventories/staging.example.yaml');
    expect(effectiveTwoNode(staging.inventory)).toBe(true);
  });

  it('two_node is automatic for exactly two nodes and off with a qdevice', () => {
    expect(effectiveTwoNode(parseInventory('x.yaml', base).inventory)).toBe(true);
    const withQdevice = base.replace(
      '  name: t\n',
      '  name: t\n  quorum:\n    qdevice: { host: 10.1.0.9 }\n',
    );
    expect(effectiveTwoNode(parseInventory('x.yaml', withQdevice).inventory)).toBe(false);
  });

  it('warns when STONITH is switched off, and fails on warnings only with strict', () => {
    const loaded = parseInventory('x.yaml', base);
    const w = loaded.warnings.find((d) => d.path === 'pacemaker.properties.stonith-enabled');
    expect(w?.message).toContain('STONITH is disabled');
    expect(w?.line).toBe(10);
    expect(() => parseInventory('x.yaml', base, { strict: true })).toThrow(InputError);
  });

  it('warns on a 2-node Galera cluster without garbd', () => {
    const text =
      base
        .replace('links: [10.1.0.1]', 'links: [10.1.0.1]\n    roles: [pacemaker, galera]')
        .replace('links: [10.1.0.2]', 'links: [10.1.0.2]\n    roles: [pacemaker, galera]') +
      'galera:\n  cluster_name: g\n';
    const loaded = parseInventory('x.yaml', text);
    expect(loaded.warnings.map((d) => d.message).join('\n')).toContain('without garbd');
    const withGarbd =
      text.replace('nodes:\n', 'nodes:\n  - name: arb\n    links: [10.1.0.3]\n    roles: [garbd]\n') +
      '  garbd: { node: arb }\n';
    expect(
      parseInventory('x.yaml', withGarbd)
        .warnings.map((d) => d.message)
        .join('\n'),
    ).not.toContain('without garbd');
  });

  it('reports a missing file as bad input (exit 2)', async () => {
    const err = await loadInventory('/nonexistent/inv.yaml').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).exitCode).toBe(2);
  });
});

describe('secrets', () => {
  it('resolves env: and file: references relative to the inventory, and masks their values', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hakit-secret-'));
    writeFileSync(join(dir, 'pw'), 's3cret-file-value\n');
    const masker = new SecretMasker();
    const inv = join(dir, 'inv.yaml');
    writeFileSync(inv, base);
    const loaded = parseInventory(inv, base);
    expect(loaded.secret('file:pw', masker)).toBe('s3cret-file-value');
    expect(resolveSecret('env:HAKIT_T_SECRET', dir, { HAKIT_T_SECRET: 'env-value-123' })).toBe(
      'env-value-123',
    );
    masker.add('env-value-123');
    expect(masker.mask('a s3cret-file-value b env-value-123')).toBe('a ******** b ********');
    // A multi-line secret (a key) is masked whole, and line by line where a fragment of it is printed.
    masker.add('-----BEGIN KEY-----\nAAAAB3NzaC1yc2EAAAADAQAB\n-----END KEY-----\n');
    expect(masker.mask('bad key line: AAAAB3NzaC1yc2EAAAADAQAB')).toBe('bad key line: ********');
  });

  it('names the reference, never a value, when a secret cannot be resolved', () => {
    expect(() => resolveSecret('env:HAKIT_UNSET_X', '/', {})).toThrow(/env:HAKIT_UNSET_X.*not set/);
    expect(() => resolveSecret('file:missing', '/nonexistent', {})).toThrow(/file:missing/);
  });
});
