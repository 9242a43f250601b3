import { z } from 'zod';

/** The hosts slice of the inventory (`host_prep.hosts_file`). */

export const hostsFileSchema = z
  .boolean()
  .default(true)
  .describe('Manage a block in /etc/hosts with every node (name → link 0 address).');
