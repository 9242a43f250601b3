import { ParseProblem } from './errors.js';

/** Non-empty lines of a snippet's output (a trailing CR is dropped). */
export function lines(stdout: string): string[] {
  return stdout
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.length > 0);
}

/** Splits at the first separator; `['a', 'b|c']` for `a|b|c`. */
export function splitOnce(line: string, sep: string): [string, string] {
  const i = line.indexOf(sep);
  return i < 0 ? [line, ''] : [line.slice(0, i), line.slice(i + sep.length)];
}

export function decodeBase64(fact: string, text: string): string {
  const t = text.trim();
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(t)) throw new ParseProblem(`${fact}: content is not base64`);
  return Buffer.from(t, 'base64').toString('utf8');
}
