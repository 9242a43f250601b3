import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LocalConnector } from '../../src/connect/index.js';
import { type FactSource, HostFactCache } from '../../src/executor/fact-cache.js';
import { appendRefresh, REFRESH_MARKER, runOperation } from '../../src/executor/run-op.js';
import { factKey, type Operation } from '../../src/ops/types.js';
import { shq } from '../../src/shell/posix.js';
import { Counting, stateFacts } from './support/state-facts.js';

/**
 * Write-through facts: after a change that wrote known paths, the facts it made stale are gathered again by
 * the same command (one round trip instead of two), and `changed_when: false` tasks keep every fact. These
 * run real shell commands on the local machine: a "file" is a file in a temp directory, the `state` fact
 * prints its content.
 */
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hakit-wt-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes `value` to `path` unless it already holds it; reports the path as changed. */
const writeOp: Operation<{ path: string; value: string }> = {
  name: 'write',
  args: z.object({ path: z.string(), value: z.string() }),
  facts: ({ path }) => [{ fact: 'state', args: { path } }],
  plan: ({ path, value }, facts) =>
    facts.get(factKey({ fact: 'state', args: { path } })) === value
      ? { steps: [] }
      : {
          // `exit 0` on success: the gather must still run after a command that exits by itself.
          steps: [
            { kind: 'exec', command: `printf '%s\\n' ${shq(value)} > ${shq(path)} && echo wrote && exit 0` },
          ],
          diffs: [{ path, before: null, after: value }],
          // It also rotates its backups (a way to name extra paths it changes).
          touches: { exact: [`${path}.bak`, `${path}.old`] },
        },
};

/** Runs `writeOp` for real (not in check mode) against `connector`, planning from `cache`. */
function write(connector: LocalConnector, cache: HostFactCache, path: string, value: string) {
  return runOperation(
    writeOp as Operation<unknown>,
    { path, value },
    { connector, facts: cache, check: false },
  );
}

describe('write-through facts', () => {
  it('a change re-gathers the stale facts the rest of the play wants in the same command, drops the others', async () => {
    const conn = new Counting('local');
    const cache = new HostFactCache(conn, stateFacts);
    const a = join(dir, 'a');
    const st = (path: string) => ({ fact: 'state', args: { path } });
    const bak = `${a}.bak`; // touched by the op, wanted by a later task
    const old = `${a}.old`; // touched by the op, wanted by nobody later
    const other = join(dir, 'other');
    await writeFile(other, 'untouched\n');
    // The play: a loop writing `a` twice, then a task reading `a.bak`.
    cache.setHints([
      { task: 't1', reqs: [st(a), st(a)] },
      { task: 't2', reqs: [st(bak)] },
    ]);
    cache.reached('t1');
    await cache.get([st(a), st(bak), st(old), st(other)], { withHints: false });
    expect(conn.calls).toHaveLength(1);
    expect(cache.peek(st(bak))).toBe('absent');
    await writeFile(bak, 'appeared\n'); // changed behind the cache's back

    const out = await write(conn, cache, a, 'one');
    expect(out.changed).toBe(true);
    // The command's own output, without the appended gather.
    expect(out.stdout).toBe('wrote\n');
    expect(conn.calls).toHaveLength(2);
    // The facts now hold the state AFTER the change, gathered by that same command.
    expect(cache.peek(st(a))).toBe('one');
    expect(cache.peek(st(bak))).toBe('appeared'); // re-gathered, not kept
    expect(cache.has(st(old))).toBe(false); // stale and unwanted: dropped
    expect(cache.peek(st(other))).toBe('untouched');
    expect(await readFile(a, 'utf8')).toBe('one\n');

    // The loop's second item plans from the refreshed fact: no gather, no change.
    const again = await write(conn, cache, a, 'one');
    expect(again.changed).toBe(false);
    expect(conn.calls).toHaveLength(2);
  });

  it('without hints (nothing later wants them) the stale facts are dropped, not re-gathered', async () => {
    const conn = new Counting('local');
    const cache = new HostFactCache(conn, stateFacts);
    const a = join(dir, 'a');
    await cache.get([{ fact: 'state', args: { path: a } }]);
    await write(conn, cache, a, 'one');
    expect(conn.calls.at(-1)).not.toContain(REFRESH_MARKER);
    expect(cache.has({ fact: 'state', args: { path: a } })).toBe(false);
  });

  it('a failed change re-gathers nothing and drops the facts it planned from', async () => {
    const conn = new Counting('local');
    const cache = new HostFactCache(conn, stateFacts);
    const a = join(dir, 'missing-dir', 'a'); // the write fails: no such directory
    const out = await write(conn, cache, a, 'one');
    expect(out.failed).toBe(true);
    expect(out.stdout ?? '').not.toContain(REFRESH_MARKER);
    expect(cache.has({ fact: 'state', args: { path: a } })).toBe(false);
  });

  it('unusable gather output falls back to dropping the stale facts', async () => {
    let breakNow = false;
    const flaky: FactSource = {
      ...stateFacts,
      parse: (reqs, stdout) => {
        if (breakNow) throw new Error('unusable');
        return stateFacts.parse(reqs, stdout);
      },
    };
    const cache = new HostFactCache(new LocalConnector('local'), flaky);
    const a = join(dir, 'a');
    cache.setHints([
      { task: 't', reqs: [{ fact: 'state', args: { path: a } }] },
      { task: 'later', reqs: [{ fact: 'state', args: { path: a } }] },
    ]);
    await cache.get([{ fact: 'state', args: { path: a } }]);
    breakNow = true;
    const out = await write(new LocalConnector('local'), cache, a, 'two');
    expect(out.changed).toBe(true);
    expect(out.stdout).toBe('wrote\n');
    expect(cache.has({ fact: 'state', args: { path: a } })).toBe(false);
  });

  it('readOnly (changed_when: false) keeps every cached fact', async () => {
    const conn = new LocalConnector('local');
    const cache = new HostFactCache(conn, stateFacts);
    const a = join(dir, 'a');
    await cache.get([{ fact: 'state', args: { path: a } }]);
    const check: Operation<Record<string, never>> = {
      name: 'check',
      args: z.object({}),
      facts: () => [],
      plan: () => ({ steps: [{ kind: 'exec', command: 'true' }] }),
    };
    await runOperation(
      check as Operation<unknown>,
      {},
      { connector: conn, facts: cache, check: false, readOnly: true },
    );
    expect(cache.has({ fact: 'state', args: { path: a } })).toBe(true);
    await runOperation(check as Operation<unknown>, {}, { connector: conn, facts: cache, check: false });
    expect(cache.has({ fact: 'state', args: { path: a } })).toBe(false);
  });
});

describe('appendRefresh', () => {
  const run = (cmd: string) => new LocalConnector('local').exec(cmd);

  it('keeps the command exit code and output, and gathers only after an accepted exit code', async () => {
    const ok = await run(appendRefresh('echo own; exit 0', [0], 'echo gathered'));
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toBe(`own\n\n${REFRESH_MARKER}\ngathered\n`);

    const failed = await run(appendRefresh('echo own; exit 3', [0], 'echo gathered'));
    expect(failed.exitCode).toBe(3);
    expect(failed.stdout).toBe('own\n');

    const accepted = await run(appendRefresh('exit 2', [0, 2], 'echo gathered'));
    expect(accepted.exitCode).toBe(2);
    expect(accepted.stdout).toContain('gathered');
  });

  it('feeds stdin to the command, not to the gather', async () => {
    const r = await new LocalConnector('local').exec(appendRefresh('cat', [0], 'cat; echo end'), {
      stdin: 'body\n',
    });
    expect(r.stdout).toBe(`body\n\n${REFRESH_MARKER}\nend\n`);
  });
});
