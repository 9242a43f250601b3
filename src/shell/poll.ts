/**
 * A bounded poll loop in POSIX sh, for waits that run on a host as one step: `check` runs every `intervalS`
 * seconds and ends the script (`exit 0`) once what it waits for holds; the deadline counts `timeoutS` from the
 * first check that did not end it (a healthy host answers the first check and never reads the clock); past it,
 * `onTimeout` says what was missing (to stderr) and the script exits 1. `setup` runs once, before the loop.
 * Lines are given unindented; the loop indents them.
 */
export function pollLoop(o: {
  setup?: string[];
  check: string[];
  timeoutS: number;
  intervalS: number;
  onTimeout: string[];
}): string {
  const indent = (n: number) => (l: string) => `${' '.repeat(n)}${l}`;
  return [
    ...(o.setup ?? []),
    'deadline=',
    'while :; do',
    ...o.check.map(indent(2)),
    `  now=$(date +%s); [ -n "$deadline" ] || deadline=$((now + ${o.timeoutS}))`,
    '  if [ "$now" -ge "$deadline" ]; then',
    ...o.onTimeout.map(indent(4)),
    '    exit 1',
    '  fi',
    `  sleep ${o.intervalS}`,
    'done',
  ].join('\n');
}
