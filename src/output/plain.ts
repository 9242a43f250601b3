import type { HakitEvent } from '../events/types.js';
import {
  type FailureNote,
  hostDetails,
  makeStyle,
  recapLines,
  type Style,
  statusText,
  timestamp,
  verifyCheckLines,
  verifyDrillLines,
  verifyDrillStepLine,
  verifyEndLines,
} from './format.js';
import type { Renderer, Writable } from './types.js';

/** Plain timestamped lines (not a TTY, or `--output plain`). */
export class PlainRenderer implements Renderer {
  private readonly style: Style;
  private readonly failures: FailureNote[] = [];

  constructor(
    private readonly out: Writable,
    color = false,
  ) {
    this.style = makeStyle(color);
  }

  private line(at: number, text: string): void {
    this.out.write(`${this.style.dim(timestamp(at))} ${text}\n`);
  }

  emit(e: HakitEvent): void {
    const s = this.style;
    switch (e.type) {
      case 'run.start':
        this.line(
          e.at,
          `${s.bold('RUN')} ${e.playbook} on ${e.hosts.join(', ')}${e.check ? ' (check mode: nothing changes)' : ''}`,
        );
        break;
      case 'preflight.start':
        this.line(
          e.at,
          `${s.bold('PREFLIGHT')} connecting to ${e.hosts.length} host${e.hosts.length === 1 ? '' : 's'}`,
        );
        break;
      case 'preflight.host':
        this.line(
          e.at,
          `  ${e.host}: ${e.status === 'ok' ? s.green('reachable') : s.red(`unreachable: ${e.message ?? ''}`)}`,
        );
        break;
      case 'play.start':
        this.line(e.at, `${s.bold('PLAY')} [${e.play}] ${e.hosts.join(', ')}`);
        break;
      case 'task.start':
        this.line(e.at, `${s.bold(e.handler ? 'HANDLER' : 'TASK')} [${e.task}]`);
        break;
      case 'task.host': {
        const msg =
          e.status === 'unreachable' || e.status === 'failed' ? (e.error?.message ?? e.message) : e.message;
        this.line(
          e.at,
          `  ${e.host}: ${statusText(e.status, s, e.ignored)}${msg ? ` ${msg}` : ''} ${s.dim(`(${e.durationMs} ms)`)}`,
        );
        for (const l of hostDetails(e, s)) this.out.write(`${l}\n`);
        if (e.status === 'failed' && !e.ignored && e.error)
          this.failures.push({ host: e.host, task: e.task, error: e.error });
        break;
      }
      case 'log':
        this.line(
          e.at,
          `${e.level === 'error' ? s.red('ERROR') : e.level === 'warn' ? s.yellow('WARN') : 'INFO'} ${e.host ? `${e.host}: ` : ''}${e.message}`,
        );
        break;
      case 'run.end':
        for (const l of recapLines(e.recap, e.durationMs, this.failures, s, e.exitCode))
          this.out.write(`${l}\n`);
        break;
      case 'verify.start':
        this.line(e.at, `${s.bold('VERIFY')} ${e.cluster}: ${e.checks} checks on ${e.hosts.join(', ')}`);
        break;
      case 'verify.check':
        for (const l of verifyCheckLines(e, s)) this.out.write(`${l}\n`);
        break;
      case 'verify.drill.step':
        this.line(e.at, verifyDrillStepLine(e, s));
        break;
      case 'verify.drill':
        for (const l of verifyDrillLines(e, s)) this.out.write(`${l}\n`);
        break;
      case 'verify.end':
        for (const l of verifyEndLines(e, s)) this.out.write(`${l}\n`);
        break;
      case 'task.end':
      case 'play.end':
        break;
    }
  }

  async close(): Promise<void> {}
}
