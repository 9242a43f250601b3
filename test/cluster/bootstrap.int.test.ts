import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { type CliResult, ensureBuilt, hakit } from '../support/cli.js';
import { useSandbox } from '../support/sandbox-fixture.js';
import { sshCli } from '../support/ssh-cli.js';

/**
 * `hakit bootstrap` on a fresh 3-node sandbox: every fact below is read from the hosts themselves
 * (corosync-quorumtool, crm_mon, crm_verify, stonith_admin, ip addr, a TCP client on the VIP), not from the recap.
 * One sandbox is bootstrapped once and shared by the tests of this file, in order.
 */
const sandbox = useSandbox({ nodes: 3, name: 'cluster' });
const printed: string[] = [];

async function bootstrap(inventory: string, extra: string[] = []): Promise<CliResult> {
  ensureBuilt();
  const r = await hakit(['bootstrap', '-i', inventory, '--output', 'json', ...extra], {
    timeoutMs: 1_200_000,
  });
  printed.push(r.stdout, r.stderr);
  return r;
}

function explain(r: CliResult): string {
  const lines = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => /"failed"|error|stderr/i.test(l));
  return `exit ${r.code}\n${lines.slice(-20).join('\n')}\n${r.stderr.slice(-2000)}`;
}

/** The recap of a JSON-lines run: host → counts. */
function recap(r: CliResult): Record<string, { changed: number; failed: number }> {
  const end = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map(
      (l) => JSON.parse(l) as { type: string; recap?: Record<string, { changed: number; failed: number }> },
    )
    .find((e) => e.type === 'run.end');
  if (!end?.recap) throw new Error(`no run.end event in:\n${r.stdout.slice(-3000)}`);
  return end.recap;
}

async function on(node: string, command: string): Promise<string> {
  const r = await sshCli(sandbox(), node, command, { timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`${node}: ${command} → exit ${r.code}\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

function tcpConnects(host: string, port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = connect({ host, port, timeout: 3000 });
    s.once('connect', () => {
      s.destroy();
      res(true);
    });
    s.once('error', () => res(false));
    s.once('timeout', () => {
      s.destroy();
      res(false);
    });
  });
}

/** The start operation's call-id of each resource on each node: a restart gives it a new one. */
async function startCallIds(): Promise<Record<string, string>> {
  const xml = await on('node1', 'cibadmin -Q --scope status');
  const out: Record<string, string> = {};
  for (const state of xml.matchAll(/<node_state [^>]*uname="([^"]+)"[\s\S]*?<\/node_state>/g)) {
    for (const op of (state[0] as string).matchAll(/<lrm_rsc_op [^>]*>/g)) {
      const tag = op[0];
      const id = /operation_key="([^"]+)_start_0"/.exec(tag)?.[1];
      const call = /call-id="(\d+)"/.exec(tag)?.[1];
      if (id && call) out[`${state[1]}/${id}`] = call;
    }
  }
  return out;
}

const etcSums = (node: string) =>
  on(node, 'find /etc /var/lib/hakit -xdev -type f -print0 | sort -z | xargs -0 sha256sum');

describe('hakit bootstrap on a fresh sandbox', () => {
  it('forms a quorate, fenced 3-node cluster with the VIP and HAProxy answering on it', async () => {
    const sb = sandbox();
    const r = await bootstrap(sb.inventoryPath);
    expect(r.code, explain(r)).toBe(0);
    const names = sb.nodes.map((n) => n.name);
    for (const n of names) {
      const q = await on(n, 'corosync-quorumtool -s');
      expect(q).toMatch(/^Quorate:\s+Yes/m);
      for (const m of names) expect(q).toMatch(new RegExp(`\\s${m}( |$)`, 'm'));
    }
    const mon = await on('node1', 'crm_mon -1 -r');
    expect(mon).toMatch(new RegExp(`Online: \\[ ${names.join(' ')} \\]`));
    expect(mon).toMatch(/partition with quorum/);
    expect(mon).not.toMatch(/Stopped|FAILED|Failed Resource Actions/);
    expect(mon).toMatch(/fence-sandbox\s+\(stonith:fence_docker\):\s+Started/);
    expect(mon).toMatch(/Started: \[ node1 node2 node3 \]/); // the haproxy clone on every node
    await on('node1', 'crm_verify -L -V');
    expect(await on('node1', 'crm_attribute --type crm_config --name stonith-enabled --query')).toMatch(
      /value=true/,
    );
    for (const n of names) expect(await on('node1', `stonith_admin --list ${n}`)).toMatch(/fence-sandbox/);
    const vip = sb.vip;
    const holders: string[] = [];
    for (const n of names) if ((await on(n, 'ip -o -4 addr show')).includes(` ${vip}/`)) holders.push(n);
    expect(holders, `VIP ${vip} held by ${holders.join(', ') || 'none'}`).toHaveLength(1);
    expect(await tcpConnects(vip, 3307), `HAProxy does not accept on ${vip}:3307`).toBe(true);
  });

  it('a second run changes nothing: changed=0 on every host and no file under /etc changed', async () => {
    const sb = sandbox();
    const before = await Promise.all(sb.nodes.map((n) => etcSums(n.name)));
    const r = await bootstrap(sb.inventoryPath);
    expect(r.code, explain(r)).toBe(0);
    for (const [host, c] of Object.entries(recap(r))) expect(c.changed, `${host} changed`).toBe(0);
    const after = await Promise.all(sb.nodes.map((n) => etcSums(n.name)));
    expect(after).toEqual(before);
  });

  it('a changed inventory is applied as a minimal CIB patch that restarts nothing else', async () => {
    const sb = sandbox();
    const inv = parse(readFileSync(sb.inventoryPath, 'utf8')) as {
      pacemaker: {
        properties: Record<string, unknown>;
        resources: unknown[];
        constraints: { order?: unknown[] };
      };
    };
    inv.pacemaker.resources.push({ type: 'ocf', id: 'canary', agent: 'ocf:pacemaker:Dummy' });
    inv.pacemaker.properties['cluster-recheck-interval'] = '5min';
    delete inv.pacemaker.constraints.order;
    const changed = join(sb.dir, 'inventory-changed.yaml');
    writeFileSync(changed, stringify(inv));
    const ids = await startCallIds();
    expect(Object.keys(ids).length).toBeGreaterThan(0);

    const check = await bootstrap(changed, ['--check', '--diff', '--tags', 'pacemaker']);
    expect(check.code, explain(check)).toBe(0);
    expect(check.stdout).toContain('canary');
    expect(await on('node1', 'cibadmin -Q --scope resources')).not.toContain('canary'); // check mode

    const r = await bootstrap(changed, ['--tags', 'pacemaker']);
    expect(r.code, explain(r)).toBe(0);
    const mon = await on('node1', 'crm_mon -1 -r');
    expect(mon).toMatch(/canary\s+\(ocf:pacemaker:Dummy\):\s+Started/);
    expect(
      await on('node1', 'crm_attribute --type crm_config --name cluster-recheck-interval --query'),
    ).toMatch(/value=5min/);
    expect(await on('node1', 'cibadmin -Q --scope constraints')).not.toMatch(/rsc_order/);
    const now = await startCallIds();
    for (const [k, call] of Object.entries(ids)) expect(now[k], `${k} was restarted`).toBe(call);

    // Back to the original inventory: the canary is stopped, then removed.
    const back = await bootstrap(sb.inventoryPath, ['--tags', 'pacemaker']);
    expect(back.code, explain(back)).toBe(0);
    expect(await on('node1', 'cibadmin -Q --scope resources')).not.toContain('canary');
    expect(await on('node1', 'crm_mon -1 -r')).not.toMatch(/canary/);
  });

  it('no secret appears in anything hakit printed', () => {
    const sb = sandbox();
    const text = printed.join('\n');
    expect(text.length).toBeGreaterThan(1000);
    const authkey = readFileSync(join(sb.dir, 'authkey'));
    expect(text).not.toContain(authkey.toString('base64'));
    expect(text).not.toContain(authkey.toString('hex'));
    for (const f of ['hacluster.pass', 'clustercheck.pass']) {
      const secret = readFileSync(join(sb.dir, f), 'utf8').trim();
      expect(secret.length).toBeGreaterThan(8);
      expect(text, `${f} printed`).not.toContain(secret);
    }
  });
});
