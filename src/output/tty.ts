import { Listr, type ListrTaskWrapper } from 'listr2';
import type { HakitEvent } from '../events/types.js';
import {
  type FailureNote,
  hostDetails,
  makeStyle,
  recapLines,
  type Style,
  statusText,
  verifyCheckLines,
  verifyDrillLines,
  verifyDrillStepLine,
  verifyEndLines,
} from './format.js';
import type { Renderer, Writable } from './types.js';

type HostEvent = Extract<HakitEvent, { type: 'task.host' }>;
type HostResult = { status: HostEvent['status'] | 'not started'; event?: HostEvent; message?: string };

interface Group {
  title: string;
  hosts: string[];
  waiters: Map<string, { promise: Promise<HostResult>; resolve: (r: HostResult) => void }>;
  events: HostEvent[];
}

/**
 * listr2 on a TTY: one task tree per playbook task with a row per host. The engine finishes a task on every
 * host before the next one starts, so each group is its own Listr run, rendered after the previous one.
 */
export class TtyRenderer implements Renderer {
  private readonly style: Style;
  private chain: Promise<void> = Promise.resolve();
  private current: Group | undefined;
  private readonly failures: FailureNote[] = [];

  constructor(
    private readonly out: Writable,
    color = true,
  ) {
    this.style = makeStyle(color);
  }

  private startGroup(title: string, hosts: string[]): void {
    this.endGroup();
    const waiters: Group['waiters'] = new Map();
    for (const h of hosts) {
      let resolve!: (r: HostResult) => void;
      const promise = new Promise<HostResult>((r) => {
        resolve = r;
      });
      waiters.set(h, { promise, resolve });
    }
    const group: Group = { title, hosts, waiters, events: [] };
    this.current = group;
    this.chain = this.chain.then(() => this.runGroup(group));
  }

  private endGroup(): void {
    const g = this.current;
    if (!g) return;
    for (const w of g.waiters.values()) w.resolve({ status: 'not started' });
    this.current = undefined;
  }

  private async runGroup(g: Group): Promise<void> {
    const s = this.style;
    const list = new Listr(
      [
        {
          title: g.title,
          task: (_ctx, parent) =>
            parent.newListr(
              g.hosts.map((h) => ({
                title: h,
                task: async (_c: unknown, t: ListrTaskWrapper<unknown, never, never>) => {
                  const r = await (g.waiters.get(h) as { promise: Promise<HostResult> }).promise;
                  const msg = r.event?.status === 'failed' ? r.event.error?.message : r.event?.message;
                  const label = r.event
                    ? statusText(r.event.status, s, r.event.ignored)
                    : s.dim('not started');
                  t.title = `${h}: ${label}${msg ? ` ${s.dim(msg.split('\n')[0] ?? '')}` : ''}`;
                  if (r.status === 'skipped' || r.status === 'not started') t.skip();
                  else if ((r.status === 'failed' && !r.event?.ignored) || r.status === 'unreachable')
                    throw new Error(t.title);
                },
              })),
              { concurrent: true, exitOnError: false },
            ),
        },
      ],
      {
        concurrent: false,
        exitOnError: false,
        registerSignalListeners: false,
        rendererOptions: {
          collapseSubtasks: false,
          collapseErrors: false,
          collapseSkips: true,
          showErrorMessage: true,
        },
      },
    );
    try {
      await list.run();
    } catch {
      // Failures are reported through the events and the recap.
    }
    for (const e of g.events) {
      const details = hostDetails(e, s, '      ');
      if (details.length) this.out.write(`    ${e.host}:\n${details.join('\n')}\n`);
    }
  }

  emit(e: HakitEvent): void {
    const s = this.style;
    switch (e.type) {
      case 'run.start':
        this.print(
          `${s.bold('RUN')} ${e.playbook}${e.check ? s.yellow(' (check mode: nothing changes)') : ''}\n`,
        );
        break;
      case 'preflight.start':
        this.startGroup('Preflight: connect and gather facts', e.hosts);
        break;
      case 'preflight.host': {
        const w = this.current?.waiters.get(e.host);
        const ev: HostEvent = {
          type: 'task.host',
          at: e.at,
          task: 'preflight',
          host: e.host,
          status: e.status,
          durationMs: 0,
          ...(e.message ? { message: e.message, error: { message: e.message } } : {}),
        };
        w?.resolve({ status: e.status, event: ev });
        break;
      }
      case 'play.start':
        this.endGroup();
        this.print(`${s.bold(`PLAY [${e.play}]`)}\n`);
        break;
      case 'task.start':
        this.startGroup(e.handler ? `${e.task} ${s.dim('(handler)')}` : e.task, e.hosts);
        break;
      case 'task.host': {
        this.current?.events.push(e);
        this.current?.waiters.get(e.host)?.resolve({ status: e.status, event: e });
        if (e.status === 'failed' && !e.ignored && e.error)
          this.failures.push({ host: e.host, task: e.task, error: e.error });
        break;
      }
      case 'task.end':
        this.endGroup();
        break;
      case 'log':
        this.print(
          `${e.level === 'error' ? s.red('ERROR') : e.level === 'warn' ? s.yellow('WARN') : 'INFO'} ${e.message}\n`,
        );
        break;
      case 'run.end':
        this.endGroup();
        this.print(`${recapLines(e.recap, e.durationMs, this.failures, s, e.exitCode).join('\n')}\n`);
        break;
      case 'verify.start':
        this.print(`${s.bold('VERIFY')} ${e.cluster}: ${e.checks} checks on ${e.hosts.join(', ')}\n`);
        break;
      case 'verify.check':
        this.print(`${verifyCheckLines(e, s).join('\n')}\n`);
        break;
      case 'verify.drill.step':
        this.print(`${verifyDrillStepLine(e, s)}\n`);
        break;
      case 'verify.drill':
        this.print(`${verifyDrillLines(e, s).join('\n')}\n`);
        break;
      case 'verify.end':
        this.print(`${verifyEndLines(e, s).join('\n')}\n`);
        break;
      case 'play.end':
        break;
    }
  }

  /** Writes after everything queued so far has rendered. */
  private print(text: string): void {
    this.chain = this.chain.then(() => {
      this.out.write(text);
    });
  }

  async close(): Promise<void> {
    this.endGroup();
    await this.chain;
  }
}
