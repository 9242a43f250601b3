import { describe, expect, it } from 'vitest';
import type { HakitEvent } from '../../src/events/types.js';
import { runPlaybook } from '../../src/executor/engine.js';
import { parsePlaybook } from '../../src/playbook/load.js';
import { catalog, memoryRun, World } from './support/memory.js';

function pb(yaml: string) {
  return parsePlaybook('/virtual/site.yaml', yaml, catalog());
}

type HostEv = Extract<HakitEvent, { type: 'task.host' }>;
const hostEvents = (events: HakitEvent[], task?: string) =>
  events.filter((e): e is HostEv => e.type === 'task.host' && (task === undefined || e.task === task));
const taskStarts = (events: HakitEvent[]) =>
  events.filter((e): e is Extract<HakitEvent, { type: 'task.start' }> => e.type === 'task.start');

describe('runPlaybook: changes and idempotence', () => {
  const yaml = `
- name: kv
  hosts: all
  tasks:
    - name: a
      kv: {key: a, value: "{{ host }}-x"}
    - name: b
      kv: {key: b, value: "1"}
`;
  it('a first run changes, a second run reports changed=0 and gathers no extra facts', async () => {
    const world = new World();
    const first = memoryRun(world, pb(yaml));
    const r1 = await runPlaybook(first.opts);
    expect(r1.exitCode).toBe(0);
    expect(Object.values(r1.recap).map((r) => r.changed)).toEqual([2, 2, 2]);
    expect(world.host('n2').files.get('a')).toBe('n2-x');

    const second = memoryRun(world, pb(yaml));
    const r2 = await runPlaybook(second.opts);
    expect(r2.exitCode).toBe(0);
    expect(Object.values(r2.recap).map((r) => r.changed)).toEqual([0, 0, 0]);
    expect(Object.values(r2.recap).map((r) => r.ok)).toEqual([2, 2, 2]);
    expect(hostEvents(second.events).every((e) => e.status === 'ok')).toBe(true);
  });

  it('check mode runs no step, reports the plan, and leaves state alone', async () => {
    const world = new World();
    const { opts, events } = memoryRun(world, pb(yaml), { check: true, showDiff: true });
    const r = await runPlaybook(opts);
    expect(r.exitCode).toBe(0);
    expect(world.steps()).toEqual([]);
    expect(world.host('n1').files.size).toBe(0);
    const e = hostEvents(events, 'a').find((x) => x.host === 'n1') as HostEv;
    expect(e.status).toBe('changed');
    expect(e.plan).toEqual(['set a n1-x']);
    expect(e.diff).toContain('a');
    expect(Object.values(r.recap).map((x) => x.changed)).toEqual([2, 2, 2]);
  });
});

describe('runPlaybook: ordering and concurrency', () => {
  it('task N+1 starts on no host before task N finished on every host', async () => {
    const world = new World();
    for (const [i, h] of ['n1', 'n2', 'n3'].entries()) world.host(h).delayTurns = 3 - i;
    const yaml = `
- hosts: all
  tasks:
    - {name: t1, cmd: {run: "echo one"}}
    - {name: t2, cmd: {run: "echo two"}}
    - {name: t3, cmd: {run: "echo three"}}
`;
    const { opts } = memoryRun(world, pb(yaml));
    await runPlaybook(opts);
    const steps = world.log.filter((l) => !l.command.startsWith('facts '));
    for (const [a, b] of [
      ['one', 'two'],
      ['two', 'three'],
    ]) {
      const lastEndA = Math.max(
        ...steps.filter((l) => l.phase === 'end' && l.command.endsWith(a as string)).map((l) => l.seq),
      );
      const firstStartB = Math.min(
        ...steps.filter((l) => l.phase === 'start' && l.command.endsWith(b as string)).map((l) => l.seq),
      );
      expect(firstStartB).toBeGreaterThan(lastEndA);
    }
    // Within one task the hosts really overlapped (all three started before the first finished).
    const t1 = steps.filter((l) => l.command === 'echo one');
    const firstEnd = Math.min(...t1.filter((l) => l.phase === 'end').map((l) => l.seq));
    expect(t1.filter((l) => l.phase === 'start' && l.seq < firstEnd)).toHaveLength(3);
  });

  it('--forks 1 runs one host at a time', async () => {
    const world = new World();
    for (const h of ['n1', 'n2', 'n3']) world.host(h).delayTurns = 2;
    const { opts } = memoryRun(world, pb('- hosts: all\n  tasks:\n    - cmd: {run: "echo x"}\n'), {
      forks: 1,
    });
    await runPlaybook(opts);
    const phases = world.steps('start').length;
    expect(phases).toBe(3);
    const seq = world.log.filter((l) => !l.command.startsWith('facts ')).map((l) => l.phase);
    expect(seq).toEqual(['start', 'end', 'start', 'end', 'start', 'end']);
  });

  it('serial splits the play into batches that run all tasks before the next batch', async () => {
    const world = new World();
    const yaml = `
- hosts: all
  serial: 2
  tasks:
    - {name: t1, cmd: {run: "echo 1"}}
    - {name: t2, cmd: {run: "echo 2"}}
`;
    const { opts } = memoryRun(world, pb(yaml));
    await runPlaybook(opts);
    const order = world.steps().map((l) => `${l.host}:${l.command.slice(5)}`);
    expect(order.slice(0, 4).sort()).toEqual(['n1:1', 'n1:2', 'n2:1', 'n2:2']);
    expect(order.slice(4)).toEqual(['n3:1', 'n3:2']);
  });
});

describe('runPlaybook: handlers', () => {
  const yaml = `
- hosts: all
  tasks:
    - name: write a
      kv: {key: a, value: "1"}
      notify: restart
    - name: write b
      kv: {key: b, value: "{{ host }}"}
      notify: [restart, reload]
    - name: unchanged
      cmd: {run: "echo hi"}
      changed_when: false
      notify: never
  handlers:
    - name: reload
      cmd: {run: "count reloads"}
    - name: restart
      cmd: {run: "count restarts"}
    - name: never
      cmd: {run: "count nevers"}
`;
  it('run once at the end, in definition order, only when notified by a change', async () => {
    const world = new World();
    world.host('n2').files.set('a', '1');
    world.host('n2').files.set('b', 'n2');
    const { opts, events } = memoryRun(world, pb(yaml));
    const r = await runPlaybook(opts);
    expect(r.exitCode).toBe(0);
    expect(world.host('n1').files.get('restarts')).toBe('1');
    expect(world.host('n1').files.get('reloads')).toBe('1');
    expect(world.host('n2').files.get('restarts')).toBeUndefined();
    for (const h of ['n1', 'n2', 'n3']) expect(world.host(h).files.get('nevers')).toBeUndefined();
    const starts = taskStarts(events);
    expect(starts.map((s) => [s.task, s.handler ?? false])).toEqual([
      ['write a', false],
      ['write b', false],
      ['unchanged', false],
      ['reload', true],
      ['restart', true],
    ]);
    expect(starts.find((s) => s.task === 'restart')?.hosts).toEqual(['n1', 'n3']);
  });

  it('flush_handlers runs notified handlers mid-play, and they do not run again at the end', async () => {
    const world = new World();
    const y = `
- hosts: n1
  tasks:
    - {name: w, kv: {key: a, value: "1"}, notify: h}
    - meta: flush_handlers
    - {name: after, cmd: {run: "echo after"}}
  handlers:
    - {name: h, cmd: {run: "count h"}}
`;
    const { opts, events } = memoryRun(world, pb(y));
    await runPlaybook(opts);
    expect(taskStarts(events).map((s) => s.task)).toEqual(['w', 'h', 'after']);
    expect(world.host('n1').files.get('h')).toBe('1');
  });

  it('a failed host does not run its handlers', async () => {
    const world = new World();
    const y = `
- hosts: [n1, n2]
  tasks:
    - {name: w, kv: {key: a, value: "1"}, notify: h}
    - {name: boom, cmd: {run: "fail bad"}, when: "host == 'n1'"}
  handlers:
    - {name: h, cmd: {run: "count h"}}
`;
    const { opts } = memoryRun(world, pb(y));
    const r = await runPlaybook(opts);
    expect(r.exitCode).toBe(4);
    expect(world.host('n1').files.get('h')).toBeUndefined();
    expect(world.host('n2').files.get('h')).toBe('1');
  });
});

describe('runPlaybook: selection', () => {
  const yaml = `
- hosts: all
  tags: [base]
  tasks:
    - {name: t-a, cmd: {run: "echo a"}, tags: [alpha]}
    - {name: t-b, cmd: {run: "echo b"}, tags: [beta]}
    - {name: t-always, cmd: {run: "echo always"}, tags: [always]}
    - {name: t-untagged, cmd: {run: "echo u"}}
- hosts: role:haproxy
  tasks:
    - {name: t-front, cmd: {run: "echo front"}, tags: [alpha]}
`;
  const ran = async (extra: Parameters<typeof memoryRun>[2]) => {
    const world = new World();
    const { opts } = memoryRun(world, pb(yaml), extra);
    await runPlaybook(opts);
    return [...new Set(world.steps().map((l) => `${l.host}:${l.command.slice(5)}`))].sort();
  };

  it('--tags runs tagged tasks and `always`; play tags are inherited', async () => {
    expect(await ran({ tags: ['alpha'] })).toEqual([
      'n1:a',
      'n1:always',
      'n1:front',
      'n2:a',
      'n2:always',
      'n3:a',
      'n3:always',
    ]);
    expect((await ran({ tags: ['base'] })).filter((x) => x.startsWith('n2'))).toEqual([
      'n2:a',
      'n2:always',
      'n2:b',
      'n2:u',
    ]);
  });

  it('--skip-tags removes tasks, also `always` ones when named', async () => {
    expect((await ran({ skipTags: ['alpha', 'always'] })).filter((x) => x.startsWith('n1'))).toEqual([
      'n1:b',
      'n1:u',
    ]);
  });

  it('--limit narrows every play to the named hosts, groups and roles', async () => {
    expect(await ran({ limit: ['back'], tags: ['alpha'] })).toEqual([
      'n2:a',
      'n2:always',
      'n3:a',
      'n3:always',
    ]);
    expect(await ran({ limit: ['role:haproxy'], tags: ['alpha'] })).toEqual([
      'n1:a',
      'n1:always',
      'n1:front',
    ]);
    expect(await ran({ limit: ['all', '!n1'], skipTags: ['alpha', 'beta', 'always'] })).toEqual([
      'n2:u',
      'n3:u',
    ]);
  });

  it('an unknown --limit pattern is an input error with a suggestion', async () => {
    const world = new World();
    const { opts } = memoryRun(world, pb(yaml), { limit: ['n4x', 'bakc'] });
    await expect(runPlaybook(opts)).rejects.toThrow(/unknown host pattern "n4x"/);
    const { opts: o2 } = memoryRun(world, pb(yaml), { limit: ['bakc'] });
    await expect(runPlaybook(o2)).rejects.toThrow(/did you mean "back"/);
  });
});

describe('runPlaybook: when, loop, register, run_once, changed_when/failed_when', () => {
  it('evaluates when over vars, facts and registered results; loops with item; run_once', async () => {
    const world = new World();
    const yaml = `
- hosts: all
  vars:
    wanted: [n1, n3]
  tasks:
    - name: probe
      cmd: {run: "echo {{ host }}"}
      register: probe
      changed_when: false
    - name: only wanted
      kv: {key: w, value: "yes"}
      when: host in wanted and probe.stdout_lines.0 == host and facts.hostinfo.family != 'rhel'
    - name: loop
      kv: {key: "k-{{ item }}", value: "{{ item }}"}
      loop: [x, y]
    - name: once
      cmd: {run: "count once"}
      run_once: true
      register: once_result
    - name: saw once
      kv: {key: saw, value: "changed={{ once_result.changed }}"}
`;
    const { opts, events } = memoryRun(world, pb(yaml), { baseFacts: [{ fact: 'hostinfo' }] });
    const r = await runPlaybook(opts);
    expect(hostEvents(events).filter((e) => e.status === 'failed')).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect(world.host('n1').files.get('w')).toBe('yes');
    expect(world.host('n2').files.get('w')).toBeUndefined();
    expect(world.host('n3').files.get('w')).toBeUndefined(); // facts.hostinfo.family == 'rhel' on n3
    expect(world.host('n2').files.get('k-x')).toBe('x');
    expect(world.host('n2').files.get('k-y')).toBe('y');
    expect([...world.hosts.values()].map((h) => h.files.get('once') ?? '-')).toEqual(['1', '-', '-']);
    expect([...world.hosts.values()].map((h) => h.files.get('saw'))).toEqual([
      'changed=true',
      'changed=true',
      'changed=true',
    ]);
    expect(
      hostEvents(events, 'only wanted')
        .map((e) => `${e.host}:${e.status}`)
        .sort(),
    ).toEqual(['n1:changed', 'n2:skipped', 'n3:skipped']);
    expect(hostEvents(events, 'probe').every((e) => e.status === 'ok')).toBe(true);
  });

  it('changed_when/failed_when also work inside the op arguments (command, shell)', async () => {
    const world = new World();
    const yaml = `
- hosts: n1
  tasks:
    - {name: probe, cmd: {run: "fail absent", changed_when: false, failed_when: "result.rc > 1"}}
    - {name: probe2, cmd: {run: "echo x", changed_when: "'y' in result.stdout"}}
`;
    const { opts, events } = memoryRun(world, pb(yaml));
    const r = await runPlaybook(opts);
    expect(hostEvents(events).map((e) => `${e.task}:${e.status}`)).toEqual(['probe:ok', 'probe2:ok']);
    expect(r.exitCode).toBe(0);
  });

  it('failed_when and ignore_errors', async () => {
    const world = new World();
    const yaml = `
- hosts: n1
  tasks:
    - {name: soft, cmd: {run: "fail nope"}, failed_when: "result.rc > 5"}
    - {name: ignored, cmd: {run: "fail ignored-stderr"}, ignore_errors: true}
    - {name: strict, cmd: {run: "echo fine"}, failed_when: "'fine' in result.stdout"}
    - {name: never-runs, cmd: {run: "echo later"}}
`;
    const { opts, events } = memoryRun(world, pb(yaml));
    const r = await runPlaybook(opts);
    expect(hostEvents(events).map((e) => `${e.task}:${e.status}${e.ignored ? ':ignored' : ''}`)).toEqual([
      'soft:changed',
      'ignored:failed:ignored',
      'strict:failed',
    ]);
    expect(r.exitCode).toBe(4);
    expect(r.recap.n1).toEqual({ ok: 2, changed: 1, failed: 1, skipped: 0, unreachable: 0 });
  });
});

describe('runPlaybook: failures, unreachable hosts, interrupt, secrets', () => {
  it('a failed task stops that host only; the failing command and stderr are in the event; exit 4', async () => {
    const world = new World();
    const yaml = `
- hosts: all
  tasks:
    - {name: maybe, cmd: {run: "fail disk full on {{ host }}"}, when: "host == 'n2'"}
    - {name: next, cmd: {run: "echo next"}}
`;
    const { opts, events } = memoryRun(world, pb(yaml));
    const r = await runPlaybook(opts);
    expect(r.exitCode).toBe(4);
    const failed = hostEvents(events, 'maybe').find((e) => e.status === 'failed') as HostEv;
    expect(failed.host).toBe('n2');
    expect(failed.error).toMatchObject({
      command: 'fail disk full on n2',
      exitCode: 1,
      stderr: 'disk full on n2',
    });
    expect(hostEvents(events, 'next').map((e) => e.host)).toEqual(['n1', 'n3']);
    expect(r.recap.n2?.failed).toBe(1);
  });

  it('any_errors_fatal stops every host after the failing task', async () => {
    const world = new World();
    const yaml = `
- hosts: all
  any_errors_fatal: true
  tasks:
    - {name: maybe, cmd: {run: "fail x"}, when: "host == 'n2'"}
    - {name: next, cmd: {run: "echo next"}}
`;
    const { opts, events } = memoryRun(world, pb(yaml));
    const r = await runPlaybook(opts);
    expect(r.exitCode).toBe(4);
    expect(hostEvents(events, 'next')).toEqual([]);
  });

  it('an unreachable host stops the run in preflight, before anything changes (exit 3)', async () => {
    const world = new World();
    world.host('n3').unreachable = true;
    const { opts, events } = memoryRun(world, pb('- hosts: all\n  tasks:\n    - kv: {key: a, value: b}\n'));
    const r = await runPlaybook(opts);
    expect(r.exitCode).toBe(3);
    expect(world.log).toEqual([]);
    expect(r.recap.n3?.unreachable).toBe(1);
    expect(
      events.some((e) => e.type === 'preflight.host' && e.host === 'n3' && e.status === 'unreachable'),
    ).toBe(true);
  });

  it('ignore_unreachable lets the other hosts run', async () => {
    const world = new World();
    world.host('n3').unreachable = true;
    const { opts } = memoryRun(
      world,
      pb('- hosts: all\n  ignore_unreachable: true\n  tasks:\n    - kv: {key: a, value: b}\n'),
    );
    const r = await runPlaybook(opts);
    expect(r.exitCode).toBe(0);
    expect(world.host('n1').files.get('a')).toBe('b');
    expect(r.recap.n3).toMatchObject({ unreachable: 1, ok: 0 });
  });

  it('failing base facts stop the run before anything changes (exit 4)', async () => {
    const world = new World();
    const { opts } = memoryRun(world, pb('- hosts: all\n  tasks:\n    - kv: {key: a, value: b}\n'), {
      baseFacts: [{ fact: 'broken' }],
    });
    const r = await runPlaybook(opts);
    expect(r.exitCode).toBe(4);
    expect(world.steps()).toEqual([]);
  });

  it('an abort (Ctrl-C) lets the running task finish, starts nothing new, exits 130 with a recap', async () => {
    const world = new World();
    const ac = new AbortController();
    const yaml = `
- hosts: all
  tasks:
    - {name: t1, cmd: {run: "echo one"}}
    - {name: t2, cmd: {run: "echo two"}}
`;
    const { opts, events } = memoryRun(world, pb(yaml), { signal: ac.signal });
    const bus = opts.events;
    opts.events = {
      emit(e) {
        if (e.type === 'task.host' && e.task === 't1') ac.abort();
        bus.emit(e);
      },
    };
    const r = await runPlaybook(opts);
    expect(r.exitCode).toBe(130);
    expect(r.interrupted).toBe(true);
    expect(world.steps().map((l) => l.command)).not.toContain('echo two');
    expect(world.steps('end').length).toBe(world.steps('start').length);
    expect(events.at(-1)?.type).toBe('run.end');
  });

  it('secrets never reach events: commands, stdout/stderr, diffs and messages are masked', async () => {
    const world = new World();
    const yaml = `
- hosts: n1
  vars:
    pw: "{{ secret_pw }}"
  tasks:
    - {name: s1, secretfile: {key: /etc/secret, content: "{{ pw }}"}}
    - {name: s2, kv: {key: plain, value: "x{{ pw }}x"}}
    - {name: s3, cmd: {run: "fail {{ pw }}"}}
`;
    const { opts, events } = memoryRun(world, pb(yaml), {
      vars: { secret_pw: 'Sup3r-S3cret' },
      showDiff: true,
    });
    opts.masker.add('Sup3r-S3cret');
    const r = await runPlaybook(opts);
    expect(r.exitCode).toBe(4);
    expect(world.host('n1').files.get('/etc/secret')).toBe('Sup3r-S3cret');
    const text = JSON.stringify(events);
    expect(text).not.toContain('Sup3r-S3cret');
    expect(text).toContain('********');
    expect(hostEvents(events, 's1')[0]?.diff).toContain('sensitive');
  });
});
