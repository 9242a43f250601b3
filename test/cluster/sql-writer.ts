import { spawn } from 'node:child_process';

/** One acknowledged write: its row id, when the client got the OK (ms since epoch), the node that committed it. */
export interface Ack {
  id: number;
  at: number;
  node: string;
}

export interface WriteLoopResult {
  acked: Ack[];
  /** Attempts the client saw fail (refused, cut, timed out): each retried with the next id. */
  failed: number;
  /** Longest time between two consecutive acknowledgements (ms), from the first to the last. */
  longestGapMs: number;
}

export interface WriteLoop {
  stop: () => Promise<WriteLoopResult>;
}

/**
 * Writes numbered rows, one `mariadb` client process (one connection) per row, as an application that only
 * reconnects would: `INSERT INTO table VALUES (id, @@wsrep_node_name)` through `host:port`. A row counts as
 * acknowledged only when the client exited 0. Bounded: at most `maxWrites` attempts, each at most 10 s.
 */
export function startWriteLoop(o: {
  host: string;
  port: number;
  user: string;
  password: string;
  table: string;
  firstId: number;
  maxWrites?: number;
  pauseMs?: number;
}): WriteLoop {
  const acked: Ack[] = [];
  let failed = 0;
  let stopped = false;
  const one = (id: number) =>
    new Promise<string | null>((resolve) => {
      const child = spawn(
        'mariadb',
        ['-h', o.host, '-P', String(o.port), '-u', o.user, '--connect-timeout=3', '-N', '-B'],
        { env: { ...process.env, MYSQL_PWD: o.password }, timeout: 10_000 },
      );
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('error', () => resolve(null));
      child.on('close', (code) => resolve(code === 0 ? out.trim() : null));
      child.stdin.end(
        `INSERT INTO ${o.table} VALUES (${id}, @@wsrep_node_name); SELECT @@wsrep_node_name;\n`,
      );
    });
  const loop = (async () => {
    const max = o.maxWrites ?? 20_000;
    for (let n = 0, id = o.firstId; n < max && !stopped; n++, id++) {
      const node = await one(id);
      if (node) acked.push({ id, at: Date.now(), node });
      else failed++;
      await new Promise((r) => setTimeout(r, o.pauseMs ?? 50));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      let longestGapMs = 0;
      for (let i = 1; i < acked.length; i++)
        longestGapMs = Math.max(longestGapMs, acked[i]!.at - acked[i - 1]!.at);
      return { acked, failed, longestGapMs };
    },
  };
}
