import { describe, expect, it } from 'vitest';
import { hostPrepChecks } from '../../../src/components/host-prep/checks.js';
import { findings, inventory } from '../support/inventory.js';

describe('host preparation checks', () => {
  it('is silent by default and warns on SELinux not enforcing and on a disabled firewall', () => {
    expect(findings(hostPrepChecks, inventory())).toEqual([]);
    expect(
      findings(hostPrepChecks, inventory({ host_prep: { selinux: 'permissive', firewall: 'disabled' } })),
    ).toEqual([
      'warning host_prep.selinux: SELinux will be set to permissive on hosts that have it',
      'warning host_prep.firewall: firewall: disabled is not applied yet (hakit leaves the host firewall as it is); when it is, the firewall will be stopped and disabled',
    ]);
  });
});
