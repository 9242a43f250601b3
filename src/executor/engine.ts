import { HakitError, HostKeyError, InputError, UnreachableError } from '../errors/index.js';
import type { HakitEvent, HostRecap } from '../events/types.js';
import { getFact, NOTIFY_MARKER_DIR } from '../facts/index.js';
import type { FactRequest } from '../facts/request.js';
import { factKey } from '../ops/types.js';
import { resolveHosts, serialBatches, tagsSelected } from '../playbook/hosts.js';
import { ArgRenderer } from '../playbook/template.js';
import type { Play, Task } from '../playbook/types.js';
import { type FactHint, HostFactCache } from './fact-cache.js';
import { mapLimit } from './limit.js';
import { maskDeep } from './mask.js';
import { markCommand, markStep, notifyMarkerKey, unmarkCommand } from './notify-markers.js';
import { type HostState, predictFactRequests, runTaskOnHost, type TaskHostOutcome } from './task.js';
import type { RunOptions, RunResult } from './types.js';

type Emit = (e: HakitEvent) => void;

/**
 * Runs a playbook: preflight (connect + base facts on every targeted host, nothing changes yet), then each
 * play's tasks in order, each task on all its hosts in parallel (at most `forks`), the next task starting only
 * when the previous one finished on every host. Never throws for host problems: they are in the result.
 * Throws InputError for bad host patterns / --limit.
 */
export async function runPlaybook(opts: RunOptions): Promise<RunResult> {
  const t0 = Date.now();
  const emit: Emit = (e) => opts.events.emit(maskDeep(opts.masker, e));
  const { playbook } = opts;
  const limit = opts.limit?.length ? new Set(resolveHosts(opts.limit, opts.hosts)) : undefined;
  const playHosts = playbook.plays.map((p) =>
    resolveHosts(p.hosts, opts.hosts, p.where).filter((h) => !limit || limit.has(h)),
  );
  const targeted = opts.hosts.nodes.map((n) => n.name).filter((n) => playHosts.some((hs) => hs.includes(n)));
  if (targeted.length === 0) {
    throw new InputError(
      limit
        ? `--limit ${opts.limit?.join(',')} matches no host of the playbook`
        : 'the playbook targets no host',
    );
  }

  const recap: Record<string, HostRecap> = {};
  for (const h of targeted) recap[h] = { ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: 0 };
  const states = new Map<string, HostState>();
  for (const name of targeted) {
    const node = opts.hosts.nodes.find((n) => n.name === name);
    if (!node) continue;
    const connector = opts.connector(name);
    const facts = new HostFactCache(connector, opts.facts);
    facts.baseRequests = opts.baseFacts ?? [];
    states.set(name, { name, node, connector, facts, registered: {}, failed: false, unreachable: false });
  }
  // Cluster decisions read other members' facts (FactRequest.host): from their own caches, while reachable.
  const peers = (h: string) => {
    const p = states.get(h);
    return p && !p.unreachable ? p.facts : undefined;
  };
  for (const st of states.values()) st.peers = peers;
  const forks = Math.max(1, opts.forks ?? targeted.length);
  const finish = (exitCode: number, interrupted: boolean): RunResult => {
    const durationMs = Date.now() - t0;
    emit({ type: 'run.end', at: Date.now(), durationMs, recap, exitCode });
    return { exitCode, recap, durationMs, interrupted };
  };

  emit({
    type: 'run.start',
    at: Date.now(),
    playbook: playbook.file,
    hosts: targeted,
    check: opts.check ?? false,
  });

  // ── Preflight: reach every host and gather the base facts before anything changes.
  emit({ type: 'preflight.start', at: Date.now(), hosts: targeted });
  const pre = await mapLimit(targeted, forks, async (name) => {
    const st = states.get(name) as HostState;
    try {
      await st.connector.connect();
      if (st.facts.baseRequests.length) {
        await st.facts.get(
          st.facts.baseRequests,
          opts.commandTimeoutMs ? { timeoutMs: opts.commandTimeoutMs } : {},
        );
      }
      emit({ type: 'preflight.host', at: Date.now(), host: name, status: 'ok' });
      return { name, ok: true as const };
    } catch (err) {
      // The event already names the host and its status: keep only the cause.
      const message = (err instanceof Error ? err.message : String(err)).replace(
        `${name}: unreachable: `,
        '',
      );
      const reach = err instanceof UnreachableError || err instanceof HostKeyError;
      emit({ type: 'preflight.host', at: Date.now(), host: name, status: 'unreachable', message });
      return { name, ok: false as const, reach, message };
    }
  });
  let fatalPreflight: 3 | 4 | undefined;
  for (const r of pre) {
    if (r.ok) continue;
    const st = states.get(r.name) as HostState;
    const rc = recap[r.name] as HostRecap;
    if (!r.reach) {
      rc.failed++;
      st.failed = true;
      fatalPreflight = 4;
      continue;
    }
    rc.unreachable++;
    st.unreachable = true;
    const tolerated = playbook.plays.every((p, i) => !playHosts[i]?.includes(r.name) || p.ignoreUnreachable);
    if (!tolerated) fatalPreflight ??= 3;
  }
  if (opts.signal?.aborted) {
    emit({
      type: 'log',
      at: Date.now(),
      level: 'warn',
      message: 'interrupted during preflight: nothing was changed',
    });
    return finish(130, true);
  }
  if (fatalPreflight !== undefined) {
    emit({
      type: 'log',
      at: Date.now(),
      level: 'error',
      message: 'preflight failed: nothing was changed on any host',
    });
    return finish(fatalPreflight, false);
  }
  if (opts.beforeTasks) {
    try {
      await opts.beforeTasks(targeted.filter((h) => !states.get(h)?.unreachable));
    } catch (err) {
      if (!(err instanceof HakitError)) throw err;
      emit({ type: 'log', at: Date.now(), level: 'error', message: `${err.message}` });
      return finish(err.exitCode, false);
    }
  }
  const renderer = new ArgRenderer(opts.templates);
  const baseVars = opts.vars ?? {};
  let stopRun = false;
  let validationFailed = false;
  let interrupted = false;
  const aborted = () => {
    if (opts.signal?.aborted && !interrupted) {
      interrupted = true;
      emit({
        type: 'log',
        at: Date.now(),
        level: 'warn',
        message: 'interrupted: no new work starts; running commands finish',
      });
    }
    return interrupted;
  };

  const count = (host: string, o: TaskHostOutcome) => {
    const rc = recap[host] as HostRecap;
    if (o.status === 'unreachable') rc.unreachable++;
    else if (o.status === 'failed' && !o.ignored) rc.failed++;
    else if (o.status === 'skipped') rc.skipped++;
    else {
      rc.ok++;
      if (o.status === 'changed') rc.changed++;
    }
  };

  const isLive = (r: FactRequest) => (opts.facts.live ? opts.facts.live(r) : registryLive(r));
  /** A play's variables for a host: inventory vars, host vars, builtins, facts, play vars (rendered once), registered. */
  const playScope = (play: Play) => {
    const playVars = new Map<string, Record<string, unknown>>();
    return (st: HostState): Record<string, unknown> => {
      const facts = st.facts.byName();
      const builtins = {
        ...baseVars,
        ...(opts.hostVars ? opts.hostVars(st.name, facts) : {}),
        host: st.name,
        inventory_hostname: st.name,
        node: st.node,
        check_mode: opts.check ?? false,
      };
      let pv = playVars.get(st.name);
      if (!pv) {
        pv = {};
        for (const [k, v] of Object.entries(play.vars)) pv[k] = renderer.render(v, { ...builtins, ...pv });
        playVars.set(st.name, pv);
      }
      return { ...builtins, facts, ...pv, ...st.registered };
    };
  };
  const selectedTasks = (play: Play) =>
    play.tasks.filter((t) => t.op !== 'meta' && tagsSelected(t.tags, opts.tags ?? [], opts.skipTags ?? []));
  /**
   * The facts each selected task of `play` is expected to ask for on this host, without the live facts (read only
   * when their task runs: see `Fact.live`) and, for a `run_once` task, only on the host that runs it (the first
   * of its batch).
   */
  const playHints = async (
    play: Play,
    selected: readonly Task[],
    st: HostState,
    scopeOf: (st: HostState) => Record<string, unknown>,
    firstOfBatch: boolean,
  ): Promise<FactHint[]> => {
    const predicted = await predictFactRequests(selected, scopeOf(st), { opts, renderer, play });
    return predicted.map((h) => ({
      ...h,
      reqs: h.task.runOnce && !firstOfBatch ? [] : h.reqs.filter((r) => !isLive(r)),
    }));
  };

  // ── Durable notifications (executor/notify-markers.ts): markers of earlier runs are read with the prefetch;
  // `pending` holds, per host, the markers present there (read or written by this run) until their handler ran.
  const markerDir = opts.notifyMarkerDir === false ? undefined : (opts.notifyMarkerDir ?? NOTIFY_MARKER_DIR);
  const anyHandlers = playbook.plays.some((p) => p.handlers.length > 0);
  const durable = (st: HostState): boolean =>
    anyHandlers && markerDir !== undefined && st.connector.posixShell === true;
  const markersRequest = (): FactRequest => ({ fact: 'notify_markers', args: { dir: markerDir } });
  const pending = new Map<string, Set<string>>();
  const execMarkers = async (st: HostState, command: string, what: string): Promise<void> => {
    try {
      const r = await st.connector.exec(command, {
        become: true,
        ...(opts.commandTimeoutMs ? { timeoutMs: opts.commandTimeoutMs } : {}),
      });
      if (r.exitCode !== 0) throw new Error(`exit ${r.exitCode}: ${r.stderr.trim().slice(0, 300)}`);
    } catch (err) {
      emit({
        type: 'log',
        at: Date.now(),
        level: 'warn',
        host: st.name,
        message: `could not ${what} in ${markerDir}: ${err instanceof Error ? err.message : String(err)}`,
      });
    }
  };

  // ── One round trip per host for the facts of every play (each play then gathers only what is missing, e.g.
  // what an earlier change made stale, and a no-op rerun asks nothing more). Read-only, and only once the hosts
  // are held (beforeTasks): facts read before the lock could come from another run's half-done changes.
  if (!aborted()) {
    await mapLimit(targeted, forks, async (h) => {
      const st = states.get(h) as HostState;
      if (st.failed || st.unreachable) return;
      try {
        const reqs: FactRequest[] = durable(st) ? [markersRequest()] : [];
        for (const [pi, play] of playbook.plays.entries()) {
          const hostsOfPlay = (playHosts[pi] ?? []).filter((x) => {
            const o = states.get(x);
            return o && !o.unreachable && !o.failed;
          });
          if (!hostsOfPlay.includes(h)) continue;
          const first = serialBatches(hostsOfPlay, play.serial).some((b) => b[0] === h);
          for (const hint of await playHints(play, selectedTasks(play), st, playScope(play), first))
            reqs.push(...hint.reqs);
        }
        if (reqs.length)
          await st.facts.get(reqs, {
            withHints: false,
            ...(opts.commandTimeoutMs ? { timeoutMs: opts.commandTimeoutMs } : {}),
          });
      } catch {
        // Best effort: each play still prefetches what it lacks, and each task gathers what it needs.
      }
    });
  }

  if (!aborted()) {
    await mapLimit(targeted, forks, async (h) => {
      const st = states.get(h) as HostState;
      if (st.failed || st.unreachable || !durable(st)) return;
      try {
        const req = markersRequest();
        const got = await st.facts.get(
          [req],
          opts.commandTimeoutMs ? { timeoutMs: opts.commandTimeoutMs } : {},
        );
        const keys = got.get(factKey(req));
        if (Array.isArray(keys) && keys.length) pending.set(h, new Set(keys as string[]));
      } catch (err) {
        emit({
          type: 'log',
          at: Date.now(),
          level: 'warn',
          host: h,
          message: `could not read the notifications an earlier run left pending: ${err instanceof Error ? err.message : String(err)}`,
        });
      }
    });
  }

  for (const [pi, play] of playbook.plays.entries()) {
    if (stopRun || aborted()) break;
    const hosts = (playHosts[pi] ?? []).filter((h) => {
      const st = states.get(h);
      return st && !st.unreachable && !st.failed;
    });
    emit({ type: 'play.start', at: Date.now(), play: play.name, hosts });
    const notified = new Map<string, Set<string>>();
    const scopeOf = playScope(play);

    /** Runs a task on the batch's live hosts; returns each host's status (run_once: the same for all). */
    const runTask = async (
      task: Task,
      hostsOfTask: string[],
      handler: boolean,
    ): Promise<Map<string, TaskHostOutcome['status']>> => {
      const done = new Map<string, TaskHostOutcome['status']>();
      const live = hostsOfTask.filter((h) => {
        const st = states.get(h) as HostState;
        return !st.failed && !st.unreachable;
      });
      if (live.length === 0) return done;
      const runOn = task.runOnce ? live.slice(0, 1) : live;
      emit({
        type: 'task.start',
        at: Date.now(),
        play: play.name,
        task: task.name,
        hosts: runOn,
        ...(handler ? { handler } : {}),
      });
      const outcomes = await mapLimit(runOn, forks, async (h) => {
        const st = states.get(h) as HostState;
        if (aborted()) {
          return { host: h, o: null };
        }
        const started = Date.now();
        let o: TaskHostOutcome;
        try {
          st.facts.reached(task);
          const keys = task.notify.map((n) => notifyMarkerKey(play.name, n));
          const mark = keys.length && !task.runOnce && !opts.check && durable(st) && markerDir;
          o = await runTaskOnHost(task, st, {
            opts,
            renderer,
            play,
            scope: scopeOf(st),
            ...(mark ? { markChange: markStep(mark, keys) } : {}),
          });
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          o = { status: 'failed', message, error: { message }, result: { failed: true } };
        }
        emit(hostEvent(task, h, o, Date.now() - started, opts));
        return { host: h, o };
      });
      let anyFailed = false;
      const marks: Array<{ st: HostState; keys: string[] }> = [];
      for (const { o } of outcomes) if (o?.validation && !o.ignored) validationFailed = true;
      for (const { host, o } of outcomes) {
        if (!o) continue;
        const targets = task.runOnce ? live : [host];
        for (const t of targets) {
          const st = states.get(t) as HostState;
          if (t === host) count(t, o);
          if (task.register) st.registered[task.register] = o.result;
          if (o.status === 'unreachable' && t === host) st.unreachable = true;
          if (o.status === 'failed' && !o.ignored && t === host) {
            st.failed = true;
            anyFailed = true;
          }
          if (o.status === 'changed' && task.notify.length) {
            for (const n of task.notify) {
              const set = notified.get(n) ?? new Set<string>();
              set.add(t);
              notified.set(n, set);
            }
            if (!opts.check && markerDir && durable(st)) {
              const keys = task.notify.map((n) => notifyMarkerKey(play.name, n));
              // Not recorded before the change (changed_when decided it, or run_once): recorded now.
              if (!(o.marked && t === host)) marks.push({ st, keys });
              const set = pending.get(t) ?? new Set<string>();
              for (const k of keys) set.add(k);
              pending.set(t, set);
            }
          }
        }
      }
      await Promise.all(
        marks.map(({ st, keys }) =>
          execMarkers(st, markCommand(markerDir as string, keys), 'record a pending notification'),
        ),
      );
      emit({ type: 'task.end', at: Date.now(), task: task.name });
      for (const { host, o } of outcomes)
        if (o) for (const t of task.runOnce ? live : [host]) done.set(t, o.status);
      if (anyFailed && play.anyErrorsFatal) {
        stopRun = true;
        emit({
          type: 'log',
          at: Date.now(),
          level: 'error',
          message: `any_errors_fatal: stopping after "${task.name}"`,
        });
      }
      return done;
    };

    const flushHandlers = async (batch: string[]): Promise<void> => {
      for (const h of play.handlers) {
        if (stopRun || aborted()) return;
        const names = [h.name, ...h.listen];
        const hs = batch.filter((host) => names.some((n) => notified.get(n)?.has(host)));
        for (const n of names) for (const host of hs) notified.get(n)?.delete(host);
        if (hs.length === 0) continue;
        const done = await runTask(h, hs, true);
        if (opts.check || !markerDir) continue;
        const keys = names.map((n) => notifyMarkerKey(play.name, n));
        await Promise.all(
          hs.map(async (host) => {
            const status = done.get(host);
            const mine = pending.get(host);
            if (!mine || (status !== 'ok' && status !== 'changed' && status !== 'skipped')) return;
            const ran = keys.filter((k) => mine.has(k));
            if (ran.length === 0) return;
            for (const k of ran) mine.delete(k);
            await execMarkers(
              states.get(host) as HostState,
              unmarkCommand(markerDir, ran),
              'forget a notification',
            );
          }),
        );
      }
    };

    const selected = selectedTasks(play);
    for (const batch of serialBatches(hosts, play.serial)) {
      // Notifications an earlier run recorded and never delivered (it stopped between a change and its handler).
      for (const host of batch) {
        const mine = pending.get(host);
        if (!mine?.size) continue;
        for (const h of play.handlers) {
          for (const n of [h.name, ...h.listen]) {
            if (!mine.has(notifyMarkerKey(play.name, n))) continue;
            const set = notified.get(n) ?? new Set<string>();
            set.add(host);
            notified.set(n, set);
            emit({
              type: 'log',
              at: Date.now(),
              level: 'info',
              host,
              message: `handler "${h.name}" is pending from an earlier run that stopped before it ran`,
            });
          }
        }
      }
      // One round trip per host for the facts the play's tasks will ask for (instead of one per task).
      if (!aborted()) {
        await mapLimit(batch, forks, async (h) => {
          const st = states.get(h) as HostState;
          if (st.failed || st.unreachable) return;
          st.facts.setHints([]);
          try {
            const hints = await playHints(play, selected, st, scopeOf, h === batch[0]);
            st.facts.setHints(hints);
            const reqs = hints.flatMap((h) => h.reqs);
            if (reqs.length)
              await st.facts.get(reqs, {
                withHints: false,
                ...(opts.commandTimeoutMs ? { timeoutMs: opts.commandTimeoutMs } : {}),
              });
          } catch {
            // Best effort: each task still gathers what it lacks (and reports a failure where it belongs).
          }
        });
      }
      for (const task of play.tasks) {
        if (stopRun || aborted()) break;
        if (task.op === 'meta') {
          if (task.args === 'flush_handlers') await flushHandlers(batch);
          continue;
        }
        if (!tagsSelected(task.tags, opts.tags ?? [], opts.skipTags ?? [])) continue;
        await runTask(task, batch, false);
      }
      if (!stopRun && !aborted()) await flushHandlers(batch);
      if (stopRun || aborted()) break;
    }
    emit({ type: 'play.end', at: Date.now(), play: play.name });
  }

  const failed = Object.values(recap).some((r) => r.failed > 0);
  const unreachable = [...states.values()].some(
    (s) =>
      s.unreachable && playbook.plays.some((p, i) => playHosts[i]?.includes(s.name) && !p.ignoreUnreachable),
  );
  const exitCode = interrupted ? 130 : validationFailed ? 5 : failed ? 4 : unreachable ? 3 : 0;
  return finish(exitCode, interrupted);
}

function hostEvent(
  task: Task,
  host: string,
  o: TaskHostOutcome,
  durationMs: number,
  opts: RunOptions,
): HakitEvent {
  const diff = opts.showDiff && o.diffs?.length ? renderDiffs(o.diffs, opts) : undefined;
  return {
    type: 'task.host',
    at: Date.now(),
    task: task.name,
    host,
    status: o.status,
    ...(o.ignored ? { ignored: true } : {}),
    durationMs,
    ...(o.message ? { message: o.message } : {}),
    ...(diff ? { diff } : {}),
    ...(o.preview ? { preview: o.preview } : {}),
    ...(o.plan ? { plan: o.plan } : {}),
    ...(o.error ? { error: o.error } : {}),
  };
}

function renderDiffs(diffs: NonNullable<TaskHostOutcome['diffs']>, opts: RunOptions): string {
  return diffs
    .map((d) => {
      if (d.sensitive)
        return `--- ${d.path}\n+++ ${d.path}\n@@ content changed (sensitive: diff withheld) @@\n`;
      if (opts.diff) return opts.diff(d);
      return `--- ${d.path}\n+++ ${d.path}\n@@ content changed @@\n`;
    })
    .join('');
}

/** A registry fact describing live cluster state others change (`Fact.live`): never gathered ahead of its task. */
function registryLive(r: FactRequest): boolean {
  try {
    return getFact(r.fact).live === true;
  } catch {
    return false; // not a registry fact (an injected fact source)
  }
}
