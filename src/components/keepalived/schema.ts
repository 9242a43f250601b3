import { z } from 'zod';
import { nodeName, strict as s, secretRef } from '../../model/index.js';

/** The keepalived slice of the inventory (`keepalived`). */

export const keepalivedTrackScriptSchema = s({
  name: z.string().regex(/^[A-Za-z0-9_]+$/),
  script: z.string().min(1).describe('Command; exit 0 means healthy.'),
  interval: z.number().int().min(1).default(2),
  weight: z.number().int().min(-254).max(254).default(-20),
  fall: z.number().int().min(1).default(2),
  rise: z.number().int().min(1).default(2),
});

export const keepalivedInstanceSchema = s({
  name: z.string().regex(/^[A-Za-z0-9_]+$/),
  interface: z.string().min(1),
  vrid: z.number().int().min(1).max(255).describe('virtual_router_id, unique on the segment.'),
  members: z
    .array(s({ node: nodeName, priority: z.number().int().min(1).max(254) }))
    .min(1)
    .describe('Nodes and their VRRP priority (highest is master).'),
  advert_int: z.number().int().min(1).default(1),
  unicast: z.boolean().default(true).describe('Use unicast peers (the other members) instead of multicast.'),
  nopreempt: z.boolean().default(false),
  auth_pass: secretRef.optional().describe('VRRP PASS authentication (secret reference).'),
  track_scripts: z.array(keepalivedTrackScriptSchema).default([]),
  vips: z
    .array(z.string().regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, { message: 'must be ADDRESS/PREFIX' }))
    .min(1),
}).describe('A VRRP instance.');

export const keepalivedSchema = s({
  instances: z.array(keepalivedInstanceSchema).min(1),
}).describe(
  'keepalived VRRP (a VIP without Pacemaker). Rendered and validated by `hakit check`; not applied by `hakit bootstrap` yet.',
);
