import { z } from 'zod';
import { nodeName, nodeSchema, strict as s, sshDefaultsSchema } from '../model/index.js';
import { clusterSchema } from './corosync/schema.js';
import { drbdSchema } from './drbd/schema.js';
import { galeraSchema } from './galera/schema.js';
import { haproxySchema } from './haproxy/schema.js';
import { hostPrepSchema } from './host-prep/schema.js';
import { keepalivedSchema } from './keepalived/schema.js';
import { pacemakerSchema } from './pacemaker/schema.js';
import { verifySchema } from './verify/schema.js';

/**
 * The typed cluster model, composed from the slice each component folder owns (`<component>/schema.ts`) and the
 * node/SSH schemas of src/model. One YAML file per environment is checked against `inventorySchema`; every key
 * is documented with `.describe()` because docs/inventory.md and the JSON Schema are generated from it.
 * Objects are strict: an unknown key is an error (with a "did you mean" suggestion).
 */
export const inventorySchema = s({
  cluster: clusterSchema,
  defaults: s({ ssh: sshDefaultsSchema.optional() }).prefault({}).describe('Defaults for all nodes.'),
  nodes: z
    .array(nodeSchema)
    .min(1, { message: 'needs at least one node' })
    .describe('The cluster nodes (hosts hakit manages), in corosync nodeid order.'),
  groups: z
    .record(z.string().regex(/^[a-z][a-z0-9_-]*$/), z.array(nodeName))
    .default({})
    .describe('Named groups of nodes, usable as playbook targets.'),
  host_prep: hostPrepSchema,
  pacemaker: pacemakerSchema,
  haproxy: haproxySchema.optional(),
  galera: galeraSchema.optional(),
  drbd: drbdSchema.optional(),
  keepalived: keepalivedSchema.optional(),
  verify: verifySchema,
}).describe('A hakit inventory: one file per environment.');

export type Inventory = z.infer<typeof inventorySchema>;
export type InventoryInput = z.input<typeof inventorySchema>;
