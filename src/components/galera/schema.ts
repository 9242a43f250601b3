import { z } from 'zod';
import { nodeName, port, strict as s, scalar, secretRef } from '../../model/index.js';

/** The Galera slice of the inventory (`galera`). */

export const galeraSchema = s({
  cluster_name: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .describe('wsrep_cluster_name.'),
  members: z.array(nodeName).optional().describe('Galera nodes (default: nodes with the galera role).'),
  port: port.default(3306).describe('MariaDB client port.'),
  sst: s({
    method: z.enum(['rsync', 'mariabackup']).default('rsync').describe('State snapshot transfer method.'),
    user: z.string().default('sst').describe('SST user (mariabackup).'),
    password: secretRef.optional().describe('SST password (secret reference); required for mariabackup.'),
  })
    .prefault({})
    .describe('State snapshot transfer.'),
  innodb_flush_log_at_trx_commit: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(1),
  provider_options: z
    .record(z.string().regex(/^[a-z0-9_.]+$/), scalar)
    .default({})
    .describe('Extra wsrep_provider_options.'),
  check_user: z.string().default('clustercheck').describe('User of the Galera health check (port 9200).'),
  check_password: secretRef.optional().describe('Password of the health check user (secret reference).'),
  check_available_when_donor: z
    .boolean()
    .default(false)
    .describe(
      'The health check (clustercheck, port 9200) answers 200 for a donor (wsrep_local_state 2, Donor/Desynced) too. Leave false with rsync SST: an rsync donor blocks writes while it sends. Read-only nodes answer 503 either way.',
    ),
  garbd: s({
    node: nodeName.describe(
      'Inventory node that runs garbd: it must have the garbd role and must not be a Galera member.',
    ),
  })
    .optional()
    .describe(
      'Galera arbitrator for an even number of members (2): `hakit bootstrap` installs it on the node, writes its ' +
        'settings (the members, the cluster name), starts and enables it after the members are Synced and waits ' +
        'until the Primary component counts it (wsrep_cluster_size = members + 1). Rejected next to an odd number ' +
        'of members (it would make the voters even).',
    ),
}).describe('MariaDB Galera cluster.');
