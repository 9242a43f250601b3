import { z } from 'zod';
import { shq } from '../shell/posix.js';
import { ParseProblem } from './errors.js';
import { decodeBase64, lines, splitOnce } from './lines.js';
import type { Fact } from './types.js';
import { absPath } from './validators.js';

/** HAProxy's admin socket as hakit's haproxy.cfg declares it (`haproxy.global.stats_socket`). */
export const DEFAULT_HAPROXY_SOCKET = '/run/haproxy/admin.sock';

export const haproxyStatArgs = z.strictObject({ socket: absPath }).optional();
export type HaproxyStatArgs = z.infer<typeof haproxyStatArgs>;

export const haproxyStatSchema = z.object({
  socket: z.string(),
  /** `show stat`'s CSV as HAProxy printed it; null when it could not be read (`error` says why). */
  csv: z.string().nullable(),
  error: z.string().nullable(),
});
export type HaproxyStat = z.infer<typeof haproxyStatSchema>;

/** Reads the socket with Python when socat is missing (the sandbox and most servers have python3). */
const PY_READ = [
  'import socket, sys',
  's = socket.socket(socket.AF_UNIX)',
  's.settimeout(5)',
  's.connect(sys.argv[1])',
  "s.sendall(b'show stat\\n')",
  "b = b''",
  'while True:',
  '    d = s.recv(65536)',
  '    if not d: break',
  '    b += d',
  "sys.stdout.write(b.decode('utf-8', 'replace'))",
].join('\n');

/**
 * One section:
 *
 *     N|<why>                                   the socket cannot be read (absent, no client)
 *     S|<exit code>|<base64 of the answer>      `show stat` through socat (else python3)
 *
 * Leaves `k`, `o` set.
 */
function command(args: HaproxyStatArgs): string {
  const socket = args?.socket ?? DEFAULT_HAPROXY_SOCKET;
  return [
    `k=${shq(socket)}`,
    `if [ ! -S "$k" ]; then echo 'N|no stats socket (HAProxy not running here?)'`,
    'elif command -v socat >/dev/null 2>&1; then',
    `  o=$(echo 'show stat' | timeout 10 socat -t 5 stdio "unix-connect:$k" 2>&1)`,
    `  printf 'S|%s|' "$?"; printf '%s' "$o" | base64 -w0; echo`,
    'elif command -v python3 >/dev/null 2>&1; then',
    `  o=$(timeout 10 python3 -c ${shq(PY_READ)} "$k" 2>&1)`,
    `  printf 'S|%s|' "$?"; printf '%s' "$o" | base64 -w0; echo`,
    `else echo 'N|neither socat nor python3 to read the stats socket'; fi`,
  ].join('\n');
}

function parse(stdout: string, _code: number, args: HaproxyStatArgs): HaproxyStat {
  const socket = args?.socket ?? DEFAULT_HAPROXY_SOCKET;
  const l = lines(stdout)[0];
  if (l === undefined) throw new ParseProblem('no output');
  const [k, rest] = splitOnce(l, '|');
  if (k === 'N') return { socket, csv: null, error: rest };
  if (k !== 'S') throw new ParseProblem('expected N| or S|');
  const [code, b64] = splitOnce(rest, '|');
  if (!/^\d+$/.test(code)) throw new ParseProblem('malformed S| line');
  const text = decodeBase64('haproxy_stat', b64);
  if (code !== '0' || !text.startsWith('# pxname,'))
    return {
      socket,
      csv: null,
      error: `show stat failed (exit ${code}): ${text.trim().split('\n').slice(0, 2).join(' ').slice(0, 300)}`,
    };
  return { socket, csv: text, error: null };
}

/** HAProxy's `show stat` (CSV) from its admin socket, raw: src/components/haproxy/stat.ts reads it. */
export const haproxyStatFact: Fact<HaproxyStat, HaproxyStatArgs> = {
  name: 'haproxy_stat',
  args: haproxyStatArgs,
  become: true,
  live: true,
  command,
  parse,
  schema: haproxyStatSchema,
};
