import { z } from 'zod';
import { strict as s } from '../../model/index.js';

/** The chrony slice of the inventory (`host_prep.chrony`). */

export const chronySchema = s({
  servers: z.array(z.string().min(1)).default([]).describe('NTP servers (`server` lines, iburst).'),
  pools: z.array(z.string().min(1)).default([]).describe('NTP pools (`pool` lines, iburst).'),
  makestep: s({
    threshold: z
      .number()
      .positive()
      .default(1)
      .describe('Step the clock when off by more than this many seconds.'),
    limit: z.number().int().default(3).describe('…during the first N updates (-1: always).'),
  })
    .prefault({})
    .describe('chrony makestep.'),
  allow: z.array(z.string()).default([]).describe('Networks allowed to use this host as an NTP server.'),
})
  .prefault({})
  .describe('Time synchronisation (chrony).');
