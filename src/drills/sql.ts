import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HostExec } from './fault.js';
import { type RowWriter, runMariadbClient } from './probes.js';

/** The schema, table and account the drills write through the VIP with (created for the run, dropped after). */
export const DRILL_DB = 'hakit_drills';
export const DRILL_USER = 'hakit_drill';

/** SQL that creates the drills' table and account (run as root on a member, sent on stdin: it holds the password). */
export function setupSql(password: string): string {
  const pw = password.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
  return [
    `CREATE DATABASE IF NOT EXISTS ${DRILL_DB};`,
    `CREATE TABLE IF NOT EXISTS ${DRILL_DB}.writes (drill VARCHAR(96) NOT NULL, seq INT NOT NULL, node VARCHAR(64), PRIMARY KEY (drill, seq)) ENGINE=InnoDB;`,
    `CREATE USER IF NOT EXISTS '${DRILL_USER}'@'%' IDENTIFIED BY '${pw}';`,
    `ALTER USER '${DRILL_USER}'@'%' IDENTIFIED BY '${pw}';`,
    `GRANT INSERT, SELECT ON ${DRILL_DB}.* TO '${DRILL_USER}'@'%';`,
    '',
  ].join('\n');
}

export function teardownSql(): string {
  return `DROP USER IF EXISTS '${DRILL_USER}'@'%';\nDROP DATABASE IF EXISTS ${DRILL_DB};\n`;
}

/** The client options file (mode 0600): the password never appears in a process's arguments or environment. */
export function clientOptions(o: { host: string; port: number; password: string }): string {
  const pw = o.password.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  return `[client]\nhost=${o.host}\nport=${o.port}\nuser=${DRILL_USER}\npassword="${pw}"\n`;
}

/** Parses `SELECT seq` output: one number a line. */
export function parseSeqs(text: string): Set<number> {
  const out = new Set<number>();
  for (const l of text.split('\n')) {
    const t = l.trim();
    if (!t) continue;
    if (!/^\d+$/.test(t)) throw new Error(`unexpected line in the rows read back: ${t.slice(0, 80)}`);
    out.add(Number(t));
  }
  return out;
}

export interface SqlTarget {
  /** Where the writes go: the VIP and the HAProxy frontend port in front of Galera. */
  host: string;
  port: number;
  /** A Galera member to create the account on (as root, over SSH). */
  admin: string;
  members: string[];
}

/** The drills' SQL side: the account, a writer of numbered rows through the VIP, the rows read back on members. */
export interface SqlSession {
  readonly password: string;
  writer(drill: string): RowWriter;
  /** Rows of `drill` each member holds (read with wsrep_sync_wait); a member that cannot be read is missing. */
  readBack(drill: string): Promise<{ present: Map<string, Set<number>>; errors: string[] }>;
  close(): Promise<void>;
}

export async function openSql(exec: HostExec, t: SqlTarget): Promise<SqlSession> {
  const password = randomBytes(18).toString('base64url');
  const dir = await mkdtemp(join(tmpdir(), 'hakit-drills-'));
  const file = join(dir, 'client.cnf');
  await writeFile(file, clientOptions({ host: t.host, port: t.port, password }), { mode: 0o600 });
  const setup = await exec(t.admin, 'mariadb', { stdin: setupSql(password), timeoutMs: 60_000 });
  if (setup.exitCode !== 0) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(
      `${t.admin}: creating the drills' account failed (exit ${setup.exitCode}): ${setup.stderr.trim().slice(0, 300)}`,
    );
  }
  return {
    password,
    writer: (drill) => async (seq) => {
      const r = await runMariadbClient(
        [
          `--defaults-extra-file=${file}`,
          '--connect-timeout=1', // a new attempt each second while the VIP or the server does not answer
          '-N',
          '-B',
          DRILL_DB,
          '-e',
          `INSERT INTO writes (drill, seq, node) VALUES ('${drill}', ${seq}, @@hostname)`,
        ],
        3000,
      );
      return r.code === 0;
    },
    async readBack(drill) {
      const present = new Map<string, Set<number>>();
      const errors: string[] = [];
      await Promise.all(
        t.members.map(async (m) => {
          const r = await exec(
            m,
            `mariadb -N -B -e "SET SESSION wsrep_sync_wait=1; SELECT seq FROM ${DRILL_DB}.writes WHERE drill='${drill}'"`,
            { timeoutMs: 60_000 },
          );
          if (r.exitCode !== 0)
            errors.push(`${m}: rows not read back (exit ${r.exitCode}): ${r.stderr.trim()}`);
          else present.set(m, parseSeqs(r.stdout));
        }),
      );
      return { present, errors };
    },
    async close() {
      await exec(t.admin, 'mariadb', { stdin: teardownSql(), timeoutMs: 60_000 }).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
