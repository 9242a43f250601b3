import type { HakitEvent, HostRecap, HostStatus } from '../events/types.js';

/** ANSI styling that turns itself off (NO_COLOR, not a TTY, or asked). */
export interface Style {
  enabled: boolean;
  green(s: string): string;
  yellow(s: string): string;
  red(s: string): string;
  cyan(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

export function makeStyle(enabled: boolean): Style {
  const wrap = (open: number, close: number) => (s: string) =>
    enabled ? `\x1b[${open}m${s}\x1b[${close}m` : s;
  return {
    enabled,
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    red: wrap(31, 39),
    cyan: wrap(36, 39),
    dim: wrap(2, 22),
    bold: wrap(1, 22),
  };
}

/** Colour only on a TTY and never when NO_COLOR is set (https://no-color.org). */
export function colorWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

export function statusText(status: HostStatus, style: Style, ignored = false): string {
  switch (status) {
    case 'ok':
      return style.green('ok');
    case 'changed':
      return style.yellow('changed');
    case 'failed':
      return ignored ? style.yellow('failed (ignored)') : style.red('failed');
    case 'skipped':
      return style.cyan('skipped');
    case 'unreachable':
      return style.red('unreachable');
  }
}

export function timestamp(at: number): string {
  return new Date(at).toISOString().slice(11, 23);
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function indent(text: string, pad: string): string {
  return text
    .replace(/\n+$/, '')
    .split('\n')
    .map((l) => `${pad}${l}`)
    .join('\n');
}

type HostEvent = Extract<HakitEvent, { type: 'task.host' }>;

/**
 * The detail lines under a host result: plan (check mode), diff, prediction (check mode, --diff), failure
 * (command, exit code, stderr).
 */
export function hostDetails(e: HostEvent, style: Style, pad = '    '): string[] {
  const out: string[] = [];
  if (e.plan?.length) {
    out.push(`${pad}${style.dim('would run:')}`);
    for (const p of e.plan) out.push(indent(p, `${pad}  `));
  }
  if (e.diff) out.push(colorDiff(indent(e.diff, pad), style));
  if (e.preview) {
    out.push(`${pad}${style.dim(`predicted (${e.preview.title}):`)}`);
    const text = indent(e.preview.text, `${pad}  `);
    out.push(e.preview.unavailable ? style.yellow(text) : text);
  }
  // The message itself is on the host's line already; details add the command and its output.
  if (e.error?.command && e.status !== 'unreachable') out.push(...errorLines(e.error, style, pad));
  return out;
}

export function errorLines(err: NonNullable<HostEvent['error']>, style: Style, pad = '    '): string[] {
  const out: string[] = [];
  if (err.command) out.push(`${pad}command: ${firstLines(err.command, 3)}`);
  if (err.exitCode !== undefined)
    out.push(`${pad}exit code: ${err.exitCode === null ? 'killed' : err.exitCode}`);
  if (err.stderr?.trim()) out.push(`${pad}stderr:`, style.red(indent(tail(err.stderr, 20), `${pad}  `)));
  else if (err.stdout?.trim()) out.push(`${pad}stdout:`, indent(tail(err.stdout, 20), `${pad}  `));
  if (!err.command) out.push(`${pad}${err.message}`);
  return out;
}

function firstLines(s: string, n: number): string {
  const ls = s.split('\n');
  return ls.length <= n ? s : `${ls.slice(0, n).join('\n')} …`;
}

function tail(s: string, n: number): string {
  const ls = s.replace(/\n+$/, '').split('\n');
  return ls.length <= n ? ls.join('\n') : [`… (${ls.length - n} lines before)`, ...ls.slice(-n)].join('\n');
}

function colorDiff(text: string, style: Style): string {
  if (!style.enabled) return text;
  return text
    .split('\n')
    .map((l) => {
      const t = l.trimStart();
      if (t.startsWith('+++') || t.startsWith('---')) return style.bold(l);
      if (t.startsWith('+')) return style.green(l);
      if (t.startsWith('-')) return style.red(l);
      if (t.startsWith('@@')) return style.cyan(l);
      return l;
    })
    .join('\n');
}

export interface FailureNote {
  host: string;
  task: string;
  error: NonNullable<HostEvent['error']>;
}

/** The recap block: failures (with the failing command's stderr), one line per host, the total time. */
export function recapLines(
  recap: Record<string, HostRecap>,
  durationMs: number,
  failures: FailureNote[],
  style: Style,
  exitCode: number,
): string[] {
  const out: string[] = [];
  if (failures.length > 0) {
    out.push(style.bold('FAILURES'));
    for (const f of failures) {
      out.push(`  ${style.red(f.host)}: task "${f.task}": ${f.error.message}`);
      out.push(...errorLines(f.error, style, '    ').filter((l) => !l.endsWith(f.error.message)));
    }
  }
  out.push(style.bold(`RECAP (${formatDuration(durationMs)})`));
  const hosts = Object.keys(recap);
  const width = Math.max(4, ...hosts.map((h) => h.length));
  for (const h of hosts) {
    const r = recap[h] as HostRecap;
    const color = r.failed || r.unreachable ? style.red : r.changed ? style.yellow : style.green;
    out.push(
      `  ${color(h.padEnd(width))}  ok=${r.ok}  ${r.changed ? style.yellow(`changed=${r.changed}`) : 'changed=0'}  ` +
        `${r.failed ? style.red(`failed=${r.failed}`) : 'failed=0'}  skipped=${r.skipped}  ` +
        `${r.unreachable ? style.red(`unreachable=${r.unreachable}`) : 'unreachable=0'}`,
    );
  }
  if (exitCode === 130) out.push(style.yellow('interrupted: no new work was started after Ctrl-C'));
  return out;
}

type VerifyCheckEvent = Extract<HakitEvent, { type: 'verify.check' }>;
type VerifyEndEvent = Extract<HakitEvent, { type: 'verify.end' }>;
type VerifyDrillStepEvent = Extract<HakitEvent, { type: 'verify.drill.step' }>;
type VerifyDrillEvent = Extract<HakitEvent, { type: 'verify.drill' }>;

/** A drill's progress line: `DRILL id  step: message`. */
export function verifyDrillStepLine(e: VerifyDrillStepEvent, style: Style): string {
  const text = `${style.bold('DRILL')} ${e.drill}  ${e.step}: ${e.message}`;
  return e.step === 'timeout' || e.step === 'interrupted' ? style.yellow(text) : text;
}

/** A drill's result: `PASS|FAIL  drill id  title`, its message and measurements under it. */
export function verifyDrillLines(e: VerifyDrillEvent, style: Style): string[] {
  const label = e.status === 'pass' ? style.green('PASS') : style.red('FAIL');
  const msg = indent(e.message, '      ');
  const figures = e.measurements
    .map((m) => `${m.host ? `${m.host}:` : ''}${m.name}=${m.value}${m.unit ? ` ${m.unit}` : ''}`)
    .join('  ');
  return [
    `${label}  ${style.bold(`drill ${e.drill}`)}  ${e.title}`,
    e.status === 'fail' ? style.red(msg) : style.dim(msg),
    style.dim(indent(figures, '      ')),
  ];
}

/** A verify check's lines: `PASS|FAIL|WARN  id  title`, the message under it, the details (a diff) indented. */
export function verifyCheckLines(e: VerifyCheckEvent, style: Style): string[] {
  const r = e.result;
  const label =
    r.status === 'pass'
      ? style.green('PASS')
      : r.status === 'fail'
        ? style.red('FAIL')
        : style.yellow('WARN');
  const out = [`${label}  ${style.bold(r.id)}  ${r.title}`];
  const msg = indent(r.message, '      ');
  out.push(r.status === 'fail' ? style.red(msg) : r.status === 'warn' ? style.yellow(msg) : style.dim(msg));
  if (r.details && r.status !== 'pass') out.push(colorDiff(indent(r.details, '      '), style));
  return out;
}

/** The closing summary of `hakit verify`. */
export function verifyEndLines(e: VerifyEndEvent, style: Style): string[] {
  const parts = [
    style.green(`${e.passed} passed`),
    e.failed ? style.red(`${e.failed} failed`) : '0 failed',
    e.warned ? style.yellow(`${e.warned} warnings`) : '0 warnings',
  ];
  if (e.drills)
    parts.push(
      e.drills.failed
        ? style.red(`drills ${e.drills.passed} passed, ${e.drills.failed} failed`)
        : style.green(`drills ${e.drills.passed} passed`),
    );
  const out = [style.bold(`VERIFY (${formatDuration(e.durationMs)}): ${parts.join(', ')}`)];
  for (const f of e.reports ?? []) out.push(`  report: ${f}`);
  if (e.exitCode === 130) out.push(style.yellow('interrupted'));
  return out;
}
