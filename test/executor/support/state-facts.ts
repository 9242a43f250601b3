import { LocalConnector } from '../../../src/connect/index.js';
import type { ExecOptions } from '../../../src/connect/types.js';
import type { FactSource } from '../../../src/executor/fact-cache.js';
import { type FactRequest, factKey } from '../../../src/ops/types.js';
import { shq } from '../../../src/shell/posix.js';

/** `state:{path}` → the file's content or "absent"; `broken` prints garbage the parser rejects. */
export const stateFacts: FactSource = {
  command: (reqs: FactRequest[]) =>
    reqs
      .map((r, i) => {
        if (r.fact === 'broken') return `printf '%s\\n' '#${i} ???'`;
        const p = shq((r.args as { path: string }).path);
        return `printf '#${i} %s\\n' "$(cat ${p} 2>/dev/null || echo absent)"`;
      })
      .join('\n'),
  parse: (reqs, stdout) => {
    const got = new Map<string, unknown>();
    reqs.forEach((r, i) => {
      const m = new RegExp(`^#${i} (.*)$`, 'm').exec(stdout);
      if (!m || m[1] === '???') throw new Error(`fact ${i}: no usable output`);
      got.set(factKey(r), m[1]);
    });
    return got;
  },
  needsBecome: () => false,
};

/** A LocalConnector that records every command it runs (one per round trip). */
export class Counting extends LocalConnector {
  calls: string[] = [];
  override exec(command: string, opts?: ExecOptions) {
    this.calls.push(command);
    return super.exec(command, opts);
  }
}
