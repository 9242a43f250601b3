import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LocalConnector } from '../../src/connect/index.js';
import type { Connector } from '../../src/connect/types.js';
import { type FactSource, HostFactCache } from '../../src/executor/fact-cache.js';
import { runOperation } from '../../src/executor/run-op.js';
import type { FactRequest, Operation } from '../../src/ops/types.js';

/**
 * Facts that an operation planned from are stale once it changed something, even when they are not keyed by
 * the path it wrote (e.g. authorized_keys:{user} after writing ~user/.ssh/authorized_keys).
 */
describe('runOperation fact invalidation', () => {
  const keyed: FactSource = {
    command: (reqs: FactRequest[]) => `echo ${reqs.length}`,
    needsBecome: () => false,
    parse: (reqs) =>
      new Map(
        reqs.map((r) => [
          r.args === undefined ? r.fact : `${r.fact}:${JSON.stringify(r.args)}`,
          `v-${r.fact}`,
        ]),
      ),
  };

  const op: Operation<{ key: string }> = {
    name: 'add_key',
    args: z.object({ key: z.string() }),
    facts: () => [{ fact: 'authorized_keys', args: { user: 'deploy' } }],
    plan: (args) => ({
      steps: [{ kind: 'exec', command: 'true' }],
      diffs: [{ path: '/home/deploy/.ssh/authorized_keys', before: '', after: args.key }],
    }),
  };

  /** The same host without a POSIX shell: steps run one by one and facts cannot be gathered by them. */
  const plainShell = (c: LocalConnector): Connector => ({
    host: c.host,
    loginUser: c.loginUser,
    connect: () => c.connect(),
    exec: (cmd, o) => c.exec(cmd, o),
    putFile: (p, d, m) => c.putFile(p, d, m),
    getFile: (p) => c.getFile(p),
    close: () => c.close(),
  });

  it('without a POSIX shell: drops the facts an operation used after it changed the host, keeps unrelated ones', async () => {
    const conn = plainShell(new LocalConnector('local'));
    const cache = new HostFactCache(conn, keyed);
    await cache.get([{ fact: 'os' }, { fact: 'file', args: { path: '/etc/other' } }]);
    const out = await runOperation(
      op as Operation<unknown>,
      { key: 'ssh-ed25519 AAA' },
      { connector: conn, facts: cache, check: false },
    );
    expect(out.changed).toBe(true);
    expect(cache.has({ fact: 'authorized_keys', args: { user: 'deploy' } })).toBe(false);
    expect(cache.has({ fact: 'file', args: { path: '/etc/other' } })).toBe(true);
    expect(cache.has({ fact: 'os' })).toBe(true);
  });

  it('keeps the facts in check mode, where nothing changed', async () => {
    const cache = new HostFactCache(new LocalConnector('local'), keyed);
    await runOperation(
      op as Operation<unknown>,
      { key: 'k' },
      { connector: new LocalConnector('local'), facts: cache, check: true },
    );
    expect(cache.has({ fact: 'authorized_keys', args: { user: 'deploy' } })).toBe(true);
  });
});
