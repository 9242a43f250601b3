import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { DrillSpec } from '../../src/drills/catalog.js';
import { probesGood } from '../../src/drills/catalog.js';
import type { FaultBackend, HostExec } from '../../src/drills/fault.js';
import { DRILL_REFUSED_EXIT, DrillRefusedError, runDrill } from '../../src/drills/run-drill.js';
import type { DrillTargets } from '../../src/drills/targets.js';
import type { HakitEvent, VerifyCheckResult } from '../../src/events/types.js';

/**
 * runDrill against a real TCP listener on loopback standing in for the VIP's frontend: the fault closes it (the
 * client probe really fails to connect), healing listens again. Hosts and health checks are stand-ins.
 */
let server: Server | null = null;
let port = 0;
const listen = async () => {
  if (server) return;
  const s = createServer((c) => c.destroy());
  await new Promise<void>((r) => s.listen(port, '127.0.0.1', r));
  port = (s.address() as { port: number }).port;
  server = s;
};
const close = async () => {
  const s = server;
  server = null;
  if (s) await new Promise<void>((r) => s.close(() => r()));
};
afterEach(close);

const targets = (): DrillTargets => ({
  vip: { id: 'vip', ip: '127.0.0.1' },
  probePort: port,
  galera: null,
  members: [
    { name: 'n1', addresses: ['10.0.0.1'] },
    { name: 'n2', addresses: ['10.0.0.2'] },
  ],
  haproxyUnit: null,
});
const backend: FaultBackend = {
  kind: 'sandbox',
  crash: () => {
    throw new Error('not used');
  },
  partition: () => {
    throw new Error('not used');
  },
  ensureUp: async () => {},
  addresses: async (node) => (node === 'n1' ? ['127.0.0.1'] : ['127.0.0.2']),
};
const exec: HostExec = async () => ({
  exitCode: 0,
  stdout:
    '<pacemaker-result api-version="2.25" request="stonith_admin"><fence_history/><status code="0" message="OK"/></pacemaker-result>',
  stderr: '',
});
const pass: VerifyCheckResult[] = [];
const settings = {
  max_outage_s: 60,
  max_write_gap_s: 3,
  max_lost_writes: 0,
  drills: {},
  recovery_timeout_s: 60,
  healthy_timeout_s: 60,
};

function spec(calls: string[], onInject?: () => void): DrillSpec {
  return {
    id: 'standby', // any catalog name: the thresholds of `verify.drills.<name>` apply to it
    title: 'the listener goes away',
    needsGalera: false,
    mustFence: false,
    plan: () => ({
      target: 'n1',
      expects: 'the listener back',
      fault: {
        describe: () => 'listener closed',
        destructive: false,
        inject: async () => {
          calls.push('inject');
          await close();
          onInject?.();
        },
        heal: async () => {
          calls.push('heal');
          await listen();
        },
      },
      recovered: (o) => probesGood(o, 3) && o.probes.some((p) => !p.ok && p.at >= o.injectedAt),
    }),
  };
}

/** A drill whose "cluster" recovers by itself once the probe saw failures: the listener comes back. */
async function selfRecoveringDrill(
  calls: string[],
  drillSettings: typeof settings,
  emit: (e: HakitEvent) => void = () => {},
) {
  await listen();
  const s = spec(calls, () => {
    const wait = setInterval(() => {
      void listen().then(() => clearInterval(wait));
    }, 500);
  });
  return runDrill(s, {
    targets: targets(),
    exec,
    backend,
    health: async () => pass,
    sql: null,
    settings: drillSettings,
    destructive: false,
    signal: new AbortController().signal,
    emit,
    runId: 't',
    pollMs: 50,
    healthPollMs: 50,
  });
}

describe('runDrill (real client probe against a loopback listener)', () => {
  it('measures the outage the client saw, heals, waits for health, reports the figures', async () => {
    const calls: string[] = [];
    const events: HakitEvent[] = [];
    const r = await selfRecoveringDrill(calls, settings, (e) => events.push(e));
    expect(r.result.status, r.result.message).toBe('pass');
    expect(calls).toEqual(['inject', 'heal']);
    const m = Object.fromEntries(r.result.measurements.map((x) => [x.name, x.value]));
    expect(m.outage).toBeGreaterThan(0);
    expect(m.probes_failed).toBeGreaterThan(0);
    expect(m.max_vip_holders).toBe(1);
    expect(m.fenced_node).toBe('none');
    expect(r.result.timeline.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['fault', 'heal', 'probe-ok', 'probe-fail']),
    );
    expect(
      events.filter((e) => e.type === 'verify.drill.step').map((e) => (e as { step: string }).step),
    ).toEqual(['start', 'inject', 'recovered', 'heal', 'healthy']);
  }, 60_000);

  it("a drill's own entry under verify.drills replaces the section's thresholds, and the report names them", async () => {
    const r = await selfRecoveringDrill([], {
      ...settings,
      drills: { standby: { max_outage_s: 0.01 }, move: { max_outage_s: 120 } },
    });
    expect(r.result.status).toBe('fail');
    expect(r.result.message).toMatch(/^client-observed outage \d+\.\d+ s \(max 0\.01 s\)/);
    expect(r.result.properties.max_outage_s).toBe('0.01');
  }, 60_000);

  it('Ctrl-C (the signal aborting) during the drill heals the fault before returning', async () => {
    await listen();
    const calls: string[] = [];
    const ac = new AbortController();
    const r = await runDrill(
      spec(calls, () => setTimeout(() => ac.abort(), 300)),
      {
        targets: targets(),
        exec,
        backend,
        health: async () => pass,
        sql: null,
        settings,
        destructive: false,
        signal: ac.signal,
        emit: () => {},
        runId: 't',
      },
    );
    expect(calls).toEqual(['inject', 'heal']);
    expect(server, 'the listener is back').not.toBeNull();
    expect(r.interrupted).toBe(true);
    expect(r.result.status).toBe('fail');
    expect(r.result.message).toMatch(/^interrupted \(Ctrl-C\): the fault was healed/);
  }, 60_000);

  it('an unhealthy cluster, or a destructive fault without --destructive, is refused with nothing injected', async () => {
    await listen();
    const calls: string[] = [];
    const failing = { id: 'pacemaker.nodes', status: 'fail', message: 'node2: offline' } as VerifyCheckResult;
    const o = {
      targets: targets(),
      exec,
      backend,
      sql: null,
      settings,
      destructive: false,
      signal: new AbortController().signal,
      emit: () => {},
      runId: 't',
    };
    const refused = runDrill(spec(calls), { ...o, health: async () => [failing] });
    await expect(refused).rejects.toThrow(DrillRefusedError);
    await expect(refused).rejects.toThrow(
      /not healthy, nothing was injected:\n {2}pacemaker\.nodes: node2: offline/,
    );
    await expect(refused).rejects.toMatchObject({ exitCode: DRILL_REFUSED_EXIT });
    const destructive = spec(calls);
    const plan = destructive.plan;
    destructive.plan = (c) => {
      const p = plan(c);
      return { ...p, fault: { ...p.fault, destructive: true } };
    };
    await expect(runDrill(destructive, { ...o, health: async () => pass })).rejects.toThrow(
      /Pass --destructive/,
    );
    expect(calls).toEqual([]);
  }, 60_000);
});
