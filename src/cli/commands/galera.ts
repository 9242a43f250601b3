import { join } from 'node:path';
import { type Command, Option } from 'commander';
import { memberOf } from '../../components/galera/member.js';
import {
  formatGaleraStatus,
  type GaleraStatus,
  galeraBackends,
  galeraStatus,
  type HaproxyView,
  haproxyNodes,
} from '../../components/galera/status.js';
import { InputError } from '../../errors/index.js';
import type { GaleraState } from '../../facts/galera-state.js';
import type { HaproxyStat } from '../../facts/haproxy-stat.js';
import { batchFactCommand, parseFactBatch } from '../../facts/index.js';
import { type FactRequest, factKey } from '../../facts/request.js';
import { galeraMembers } from '../../inventory/index.js';
import { loadInventory } from '../../inventory/load.js';
import type { OutputMode, Writable } from '../../output/index.js';
import { openSession, packageRoot, type Session } from '../../session/index.js';
import { addRunOptions, cliToOptions, runPlaybookCommand } from './run.js';

export interface GaleraStatusOptions {
  inventory: string;
  output?: OutputMode;
  acceptNewHostKeys?: boolean;
  /** Where the report goes (default stdout). */
  out?: Writable;
}

const READ_TIMEOUT_MS = 60_000;
const silent: Writable = { write: () => true };

/** One round trip per host: the facts it is asked for, or why it could not answer. */
async function read(
  session: Session,
  host: string,
  reqs: FactRequest[],
): Promise<{ values: Map<string, unknown> } | { error: string }> {
  try {
    const res = await session
      .connector(host)
      .exec(batchFactCommand(reqs), { become: true, timeoutMs: READ_TIMEOUT_MS });
    if (res.exitCode !== 0)
      return {
        error: `reading failed (exit ${res.exitCode ?? res.signal})${res.stderr.trim() ? `: ${res.stderr.trim().split('\n').slice(-3).join(' ')}` : ''}`,
      };
    return { values: parseFactBatch(reqs, res.stdout) };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Reads every Galera member's state and every HAProxy node's `show stat`, all hosts at once, one round trip
 * each, changing nothing. The report (src/components/galera/status.ts) and its exit code.
 */
export async function galeraStatusCommand(
  o: GaleraStatusOptions,
): Promise<{ status: GaleraStatus; exitCode: number }> {
  const loaded = await loadInventory(o.inventory);
  const inv = loaded.inventory;
  const members = galeraMembers(inv);
  if (!inv.galera || !members.length)
    throw new InputError(
      `${o.inventory}: no Galera members (no galera section, or no node with the galera role)`,
    );
  const session = openSession(loaded, {
    out: silent,
    output: 'plain',
    ...(o.acceptNewHostKeys ? { acceptNewHostKeys: true } : {}),
  });
  try {
    const viewers = haproxyNodes(inv);
    const stateReq: FactRequest = { fact: 'galera_state' };
    const socket = inv.haproxy?.global.stats_socket;
    const statReq: FactRequest = socket
      ? { fact: 'haproxy_stat', args: { socket } }
      : { fact: 'haproxy_stat' };
    const hosts = [...new Set([...members, ...viewers])];
    const answers = new Map(
      await Promise.all(
        hosts.map(async (h) => {
          const reqs = [
            ...(members.includes(h) ? [stateReq] : []),
            ...(viewers.includes(h) ? [statReq] : []),
          ];
          return [h, await read(session, h, reqs)] as const;
        }),
      ),
    );
    const value = (h: string, r: FactRequest) => {
      const a = answers.get(h);
      return a && 'values' in a ? a.values.get(factKey(r)) : undefined;
    };
    const why = (h: string) => {
      const a = answers.get(h);
      return a && 'error' in a ? a.error : 'not read';
    };
    const states = members.map((m) => memberOf(m, value(m, stateReq) as GaleraState | undefined, why(m)));
    const views: HaproxyView[] = viewers.map((v) => {
      const stat = value(v, statReq) as HaproxyStat | undefined;
      return stat ? { viewer: v, stat } : { viewer: v, unreadable: why(v) };
    });
    const status = galeraStatus(states, galeraBackends(inv), views);
    const text =
      o.output === 'json'
        ? `${JSON.stringify({ type: 'galera.status', ...status })}\n`
        : formatGaleraStatus(status);
    (o.out ?? process.stdout).write(session.masker.mask(text));
    return { status, exitCode: status.exitCode };
  } finally {
    await session.close();
  }
}

/** The playbook `hakit galera restart` runs. */
export function galeraRestartPlaybookPath(): string {
  return join(packageRoot(), 'playbooks', 'galera-restart.yaml');
}

/**
 * `hakit galera restart`: the rolling restart (playbooks/galera-restart.yaml) under the host lock. An inventory
 * without Galera members is refused before any host is contacted.
 */
export async function galeraRestartCommand(
  o: Parameters<typeof cliToOptions>[1],
  extra: Pick<Parameters<typeof runPlaybookCommand>[0], 'out' | 'signal'> = {},
): Promise<number> {
  const loaded = await loadInventory(o.inventory);
  if (!loaded.inventory.galera || !galeraMembers(loaded.inventory).length)
    throw new InputError(
      `${o.inventory}: no Galera members (no galera section, or no node with the galera role)`,
    );
  return runPlaybookCommand({
    ...cliToOptions(galeraRestartPlaybookPath(), o),
    ...extra,
    lock: 'hakit galera restart',
  });
}

export function registerGalera(program: Command): void {
  const galera = program
    .command('galera')
    .description('MariaDB Galera: look at the cluster of the inventory');
  galera
    .command('status')
    .description(
      'Per member: state, cluster size and uuid, seqno, safe_to_bootstrap, whether it runs and whether HAProxy routes to it (read-only). Exit 0 when every member is Synced in the Primary component, 1 when not, 3 when a member cannot be read',
    )
    .requiredOption('-i, --inventory <file>', 'inventory file')
    .addOption(
      new Option('-o, --output <mode>', 'tty or plain (a table) or json (one JSON object)').choices([
        'tty',
        'plain',
        'json',
      ]),
    )
    .option(
      '--accept-new-host-keys',
      'trust and record host keys seen for the first time (a changed key is still refused)',
    )
    .action(async (c: { inventory: string; output?: OutputMode; acceptNewHostKeys?: boolean }) => {
      const { exitCode } = await galeraStatusCommand({
        inventory: c.inventory,
        ...(c.output ? { output: c.output } : {}),
        ...(c.acceptNewHostKeys ? { acceptNewHostKeys: true } : {}),
      });
      process.exitCode = exitCode;
    });
  addRunOptions(
    galera
      .command('restart')
      .description(
        'Rolling restart of the Galera members, one at a time: out of HAProxy, restarted, Synced with the whole cluster, back in HAProxy, then the next (playbooks/galera-restart.yaml). Refused on a member that is not Synced in a complete cluster',
      ),
  ).action(async (c: Parameters<typeof cliToOptions>[1]) => {
    process.exitCode = await galeraRestartCommand(c);
  });
}
