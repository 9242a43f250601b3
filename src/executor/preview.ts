import type { Connector } from '../connect/types.js';
import { UnreachableError } from '../errors/index.js';
import type { Preview } from '../ops/types.js';

/** What a plan's preview produced (not masked yet: the engine masks events). */
export interface PreviewOutcome {
  title: string;
  text: string;
  /** The command failed or printed what `render` did not understand: `text` is "prediction unavailable: …". */
  unavailable?: boolean;
}

/** Lines of stderr kept in a "prediction unavailable" reason (tools like crm_simulate repeat themselves). */
const STDERR_LINES = 3;

/**
 * Runs a plan's read-only preview and renders its output. Never throws for the command's own failure (exit code,
 * timeout, unusable output): that becomes an unavailable prediction. An unreachable host still throws.
 */
export async function runPreview(
  p: Preview,
  ctx: { connector: Connector; become?: boolean; commandTimeoutMs?: number },
): Promise<PreviewOutcome> {
  const shown = p.display ?? p.command;
  const unavailable = (reason: string): PreviewOutcome => ({
    title: p.title,
    text: `prediction unavailable: ${reason}`,
    unavailable: true,
  });
  const timeoutMs = p.timeoutMs ?? ctx.commandTimeoutMs;
  let res: Awaited<ReturnType<Connector['exec']>>;
  try {
    res = await ctx.connector.exec(p.command, {
      ...(p.stdin !== undefined ? { stdin: p.stdin } : {}),
      ...(ctx.become !== undefined ? { become: ctx.become } : {}),
      ...(timeoutMs ? { timeoutMs } : {}),
    });
  } catch (err) {
    if (err instanceof UnreachableError) throw err;
    return unavailable(`${shown}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (res.exitCode === null || !(p.okCodes ?? [0]).includes(res.exitCode)) {
    const how = res.exitCode === null ? `was killed (${res.signal ?? 'killed'})` : `exited ${res.exitCode}`;
    const err = lastLines(res.stderr);
    return unavailable(`${shown} ${how}${err ? `: ${err}` : ''}`);
  }
  try {
    return { title: p.title, text: p.render(res.stdout, res.exitCode) };
  } catch (err) {
    return unavailable(`${shown}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function lastLines(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const kept = lines.slice(-STDERR_LINES).join('\n');
  return lines.length > STDERR_LINES ? `… ${kept}` : kept;
}
