import type { HakitEvent } from '../events/types.js';
import type { Renderer, Writable } from './types.js';

/** One JSON object per line per event (`--output json`), for machines. Events are already masked. */
export class JsonRenderer implements Renderer {
  constructor(private readonly out: Writable) {}

  emit(e: HakitEvent): void {
    this.out.write(`${JSON.stringify(e)}\n`);
  }

  async close(): Promise<void> {}
}
