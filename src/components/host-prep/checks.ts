import type { Findings } from '../../model/index.js';
import type { Inventory } from '../inventory-schema.js';

/** Host preparation: the safety switches that must warn. */
export function hostPrepChecks(inv: Inventory, f: Findings): void {
  if (inv.host_prep.selinux !== 'enforcing')
    f.warn(['host_prep', 'selinux'], `SELinux will be set to ${inv.host_prep.selinux} on hosts that have it`);
  if (inv.host_prep.firewall === 'disabled')
    f.warn(
      ['host_prep', 'firewall'],
      'the host firewall (ufw, firewalld) will be stopped and disabled: every port of the nodes is open',
    );
}
