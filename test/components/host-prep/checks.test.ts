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
      'warning host_prep.firewall: the host firewall (ufw, firewalld) will be stopped and disabled: every port of the nodes is open',
    ]);
  });
});
