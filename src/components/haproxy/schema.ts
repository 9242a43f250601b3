import { z } from 'zod';
import { duration, nodeName, port, strict as s } from '../../model/index.js';

/** The HAProxy slice of the inventory (`haproxy`). */

const modeEnum = z.enum(['tcp', 'http']);

export const haproxyServerSchema = s({
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/),
  node: nodeName.optional().describe('Inventory node; its link 0 address is used when `address` is absent.'),
  address: z.string().min(1).optional().describe("Server address (default: the node's address)."),
  port: port,
  backup: z.boolean().default(false).describe('Only used when all non-backup servers are down.'),
  weight: z.number().int().min(0).max(256).optional(),
}).describe('A backend server.');

export const haproxyCheckSchema = s({
  type: z
    .enum(['tcp', 'http', 'mysql', 'galera'])
    .default('tcp')
    .describe(
      'tcp: connect; http: HTTP GET `path`; mysql: MySQL handshake; galera: HTTP check of wsrep state (port 9200).',
    ),
  path: z.string().default('/').describe('HTTP check path.'),
  port: port.optional().describe('Check port (galera: 9200).'),
  inter: duration.default('2s').describe('Interval between checks.'),
  fall: z.number().int().min(1).default(3).describe('Failed checks before a server is down.'),
  rise: z.number().int().min(1).default(2).describe('Successful checks before a server is up.'),
  fastinter: duration
    .optional()
    .describe(
      "Interval between checks while a server's state is changing (after a failed check of an UP server): a dead server is marked DOWN after `fall` checks sooner than `inter` allows (HAProxy `fastinter`).",
    ),
  observe: z
    .enum(['layer4', 'layer7'])
    .optional()
    .describe(
      "Also watch the clients' traffic to each server (HAProxy `observe`): layer4 counts failed connections (`timeouts.connect` bounds how long a connection to a dead host takes to fail), layer7 HTTP errors (http backends only). What an error does is `on_error`, after `error_limit` consecutive ones.",
    ),
  error_limit: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('Consecutive errors seen by `observe` before `on_error` applies (HAProxy: 10).'),
  on_error: z
    .enum(['fastinter', 'fail-check', 'sudden-death', 'mark-down'])
    .optional()
    .describe(
      '`observe` errors (HAProxy: fail-check): fastinter (check sooner), fail-check (count as a failed check), sudden-death (as if `fall` - 1 checks had failed), mark-down (DOWN at once; the checks bring the server back after `rise` successes).',
    ),
  expect_status: z.number().int().min(100).max(599).default(200).describe('Expected HTTP status.'),
}).describe('Server health checks.');

export const haproxyFrontendSchema = s({
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/),
  bind: z
    .array(z.string().regex(/^[^\s]*:\d+$/, { message: 'must be ADDRESS:PORT or *:PORT' }))
    .min(1)
    .describe('Listen addresses, e.g. `*:3306` or `10.0.0.100:80`.'),
  mode: modeEnum.default('tcp'),
  default_backend: z.string().describe('Backend name.'),
  options: z.array(z.string()).default([]).describe('Extra `option` lines (e.g. forwardfor).'),
  maxconn: z.number().int().min(1).optional(),
}).describe('A frontend.');

export const haproxyBackendSchema = s({
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/),
  mode: modeEnum.default('tcp'),
  balance: z.enum(['roundrobin', 'leastconn', 'source', 'first', 'static-rr']).default('roundrobin'),
  check: haproxyCheckSchema.prefault({}),
  servers: z.array(haproxyServerSchema).min(1),
  options: z.array(z.string()).default([]),
}).describe('A backend.');

export const haproxySchema = s({
  global: s({
    maxconn: z.number().int().min(1).default(4096),
    user: z.string().default('haproxy'),
    group: z.string().default('haproxy'),
    stats_socket: z
      .string()
      .startsWith('/')
      .default('/run/haproxy/admin.sock')
      .describe('Runtime API socket.'),
  }).prefault({}),
  defaults: s({
    mode: modeEnum.default('tcp'),
    retries: z.number().int().min(0).default(3),
    timeouts: s({
      connect: duration.default('5s'),
      client: duration.default('1m'),
      server: duration.default('1m'),
      check: duration.default('5s'),
    }).prefault({}),
  }).prefault({}),
  stats: s({
    bind: z
      .string()
      .regex(/^[^\s]*:\d+$/)
      .describe('Stats page address, e.g. `127.0.0.1:8404`.'),
    uri: z.string().default('/stats'),
  })
    .optional()
    .describe('HTTP statistics page.'),
  frontends: z.array(haproxyFrontendSchema).default([]),
  backends: z.array(haproxyBackendSchema).default([]),
}).describe('HAProxy load balancer, on nodes with the haproxy role.');
