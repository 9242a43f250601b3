import { z } from 'zod';
import { PlanError } from '../../ops/errors.js';
import type { Operation, Plan } from '../../ops/types.js';
import { type Checker, checkerWaitS, restartScript } from './restart-script.js';

/**
 * `galera_restart`: one member's turn in a rolling restart (playbooks/galera-restart.yaml runs it with
 * `serial: 1`, `any_errors_fatal`, which `hakit galera restart` runs): out of HAProxy, restarted, Synced with the
 * whole cluster, back in HAProxy — the next member only then (restart-script.ts). Always a change: it plans the
 * restart whatever the facts say; the script itself refuses a member that is not Synced in a complete cluster.
 */

const name = z.string().regex(/^[A-Za-z0-9._-]+$/);
const link = z.union([z.string(), z.looseObject({ address: z.string() })]);

export const galeraRestartArgs = z.strictObject({
  /** The host running the task (`"{{ host }}"`). */
  node: name,
  /** The inventory's galera section (`"{{ inventory.galera }}"`): members, garbd. */
  galera: z.looseObject({
    members: z.array(name).optional(),
    garbd: z.looseObject({ node: name }).nullish(),
  }),
  /** The inventory's nodes (`"{{ inventory.nodes }}"`: their links are the addresses checks come from). */
  nodes: z.array(z.looseObject({ name, roles: z.array(z.string()), links: z.array(link) })),
  /** The inventory's haproxy section (`"{{ inventory.haproxy }}"`), absent without HAProxy. */
  haproxy: z
    .looseObject({
      backends: z.array(
        z.looseObject({
          check: z.looseObject({
            type: z.string(),
            inter: z.union([z.string(), z.number()]),
            fall: z.number().int().min(1),
            rise: z.number().int().min(1),
          }),
          servers: z.array(z.looseObject({ node: name.optional(), address: z.string().optional() })),
        }),
      ),
    })
    .nullish(),
  /** Seconds the restarted member may take to be Synced again (an IST is quick; an SST of a large dataset is not). */
  timeout: z.number().int().min(1).max(86400).default(600),
});
type Args = z.infer<typeof galeraRestartArgs>;

const addressesOf = (n: Args['nodes'][number]) => n.links.map((l) => (typeof l === 'string' ? l : l.address));

/** A duration of the inventory (`1s`, `500ms`, `2min`, a number of seconds) in milliseconds. */
export function durationMs(d: string | number): number {
  if (typeof d === 'number') return d * 1000;
  const m = /^(\d+)(ms|s|m|min|h)?$/.exec(d);
  if (!m) throw new PlanError('galera_restart', `not a duration: ${JSON.stringify(d)}`);
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  return n * ({ ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 } as Record<string, number>)[unit]!;
}

/**
 * Who health-checks this member through a galera-type check, and how: the HAProxy nodes (role haproxy) with
 * every address of theirs (a check may leave by any link), the largest fall/rise/interval of those backends.
 */
export function checkersOf(a: Args): { checkers: Checker[]; fall: number; rise: number; interMs: number } {
  const me = a.nodes.find((n) => n.name === a.node);
  const mine = new Set(me ? addressesOf(me) : []);
  const backends = (a.haproxy?.backends ?? []).filter(
    (b) =>
      b.check.type === 'galera' &&
      b.servers.some((s) => s.node === a.node || (s.address !== undefined && mine.has(s.address))),
  );
  if (!backends.length) return { checkers: [], fall: 1, rise: 1, interMs: 1000 };
  return {
    checkers: a.nodes
      .filter((n) => n.roles.includes('haproxy'))
      .map((n) => ({ name: n.name, addresses: addressesOf(n) })),
    fall: Math.max(...backends.map((b) => b.check.fall)),
    rise: Math.max(...backends.map((b) => b.check.rise)),
    interMs: Math.max(...backends.map((b) => durationMs(b.check.inter))),
  };
}

export const galeraRestartOp: Operation<Args> = {
  name: 'galera_restart',
  args: galeraRestartArgs,
  facts: () => [],
  plan(a): Plan {
    const members = a.galera.members ?? a.nodes.filter((n) => n.roles.includes('galera')).map((n) => n.name);
    if (!members.includes(a.node))
      throw new PlanError(
        'galera_restart',
        `${a.node} is not a Galera member (members: ${members.join(', ')})`,
      );
    const expectedSize = members.length + (a.galera.garbd ? 1 : 0);
    const { checkers, fall, rise, interMs } = checkersOf(a);
    const wait = checkerWaitS(Math.max(fall, rise), interMs);
    const script = restartScript({
      node: a.node,
      expectedSize,
      checkers,
      fall,
      rise,
      checkerWaitS: wait,
      syncTimeoutS: a.timeout,
    });
    const lb = checkers.length
      ? `out of HAProxy on ${checkers.map((c) => c.name).join(', ')} (${fall} failed checks each), `
      : '';
    return {
      summary: `rolling restart of ${a.node}`,
      steps: [
        {
          kind: 'exec',
          command: script,
          timeoutMs: (a.timeout + 2 * wait + 120) * 1000,
          display: `${lb}systemctl restart mariadb, wait until Primary/Synced with all ${expectedSize} (at most ${a.timeout} s)${checkers.length ? `, back in HAProxy (${rise} good checks each)` : ''}`,
        },
      ],
      touches: { tree: ['/var/lib/mysql'] },
    };
  },
};
