/** After the first Ctrl-C, running commands get this long to finish before their connections are closed. */
export const INTERRUPT_GRACE_MS = 30_000;

/** Ctrl-C wiring of a session: `signal` aborts on the first SIGINT or when `external` aborts. */
export interface Interrupt {
  readonly signal: AbortSignal;
  dispose(): void;
}

/**
 * The first Ctrl-C stops new work (running commands finish and the recap prints); the second, or the grace
 * period running out, calls `hardStop` (closing the connections, which ends the commands still running).
 */
export function wireInterrupt(hardStop: () => void, external?: AbortSignal): Interrupt {
  const ac = new AbortController();
  let sigints = 0;
  let grace: NodeJS.Timeout | undefined;
  const onSigint = () => {
    sigints++;
    if (sigints === 1) {
      ac.abort();
      grace = setTimeout(hardStop, INTERRUPT_GRACE_MS);
      grace.unref();
    } else hardStop();
  };
  process.on('SIGINT', onSigint);
  const onExternalAbort = () => ac.abort();
  if (external?.aborted) ac.abort();
  external?.addEventListener('abort', onExternalAbort, { once: true });
  return {
    signal: ac.signal,
    dispose() {
      process.off('SIGINT', onSigint);
      if (grace) clearTimeout(grace);
      external?.removeEventListener('abort', onExternalAbort);
    },
  };
}
