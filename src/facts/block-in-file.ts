import { z } from 'zod';
import { shq } from '../shell/posix.js';
import { ParseProblem } from './errors.js';
import { decodeBase64, lines } from './lines.js';
import type { Fact } from './types.js';
import { absPath } from './validators.js';

const markerLine = z
  .string()
  .min(1)
  .regex(/^[^\n\r\0]*$/, 'a marker is one line');
export const blockInFileArgs = z.strictObject({ path: absPath, begin: markerLine, end: markerLine });
export type BlockInFileArgs = z.infer<typeof blockInFileArgs>;

export const blockInFileSchema = z.object({
  fileExists: z.boolean(),
  /** Both markers were found, BEGIN before END. */
  found: z.boolean(),
  /** Lines between the markers joined with "\n" (no trailing newline); null when not found. */
  block: z.string().nullable(),
});
export type BlockInFile = z.infer<typeof blockInFileSchema>;

/** The lines between a BEGIN and an END marker line (first BEGIN, first END after it). */
export const blockInFileFact: Fact<BlockInFile, BlockInFileArgs> = {
  name: 'block_in_file',
  args: blockInFileArgs,
  become: true,
  command({ path, begin, end }) {
    // Markers reach awk through the environment (awk -v would interpret backslashes); the block comes back
    // base64-encoded (with a \\001END line when the END marker was seen) so any byte in it is safe.
    return [
      `p=${shq(path)}`,
      'if [ -f "$p" ]; then echo file',
      `  HAKIT_B=${shq(begin)} HAKIT_E=${shq(end)} awk 's==0 && $0==ENVIRON["HAKIT_B"] {s=1; next} s==1 && $0==ENVIRON["HAKIT_E"] {print "\\001END"; exit} s==1 {print}' "$p" | base64 -w0; echo`,
      'else echo nofile; fi',
    ].join('\n');
  },
  parse(stdout) {
    const ls = lines(stdout);
    if (ls[0] === 'nofile') return { fileExists: false, found: false, block: null };
    if (ls[0] !== 'file') throw new ParseProblem('unexpected header');
    const text = decodeBase64('block_in_file', ls[1] ?? '');
    const body = text.split('\n');
    if (body[body.length - 1] === '') body.pop();
    if (body[body.length - 1] !== '\u0001END') return { fileExists: true, found: false, block: null };
    return { fileExists: true, found: true, block: body.slice(0, -1).join('\n') };
  },
  schema: blockInFileSchema,
};
