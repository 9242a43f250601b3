import type { EventSink } from '../events/types.js';

export type OutputMode = 'tty' | 'plain' | 'json';

export interface Writable {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

/** An event sink that prints; `close()` resolves once everything (incl. the recap) is written. */
export interface Renderer extends EventSink {
  close(): Promise<void>;
}
