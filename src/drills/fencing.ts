import { parseXml } from '../pacemaker/xml.js';

/** One entry of Pacemaker's fencing history (`stonith_admin --history '*' --output-as=xml`). */
export interface FenceEvent {
  target: string;
  action: string;
  status: string;
  delegate: string;
  /** When it completed, ms since the epoch (null when pending or not understood). */
  completedAt: number | null;
  /** The entry as printed, to tell new entries from old ones. */
  key: string;
}

export const FENCE_HISTORY_COMMAND = "stonith_admin --history '*' --output-as=xml 2>&1";

/**
 * Pacemaker prints completion as `2026-12-03 10:20:01 +00:00` (with `completed-nsec` nanoseconds on 2.1), older
 * versions `Thu Dec  3 10:20:01 2026`.
 */
export function parseCompleted(text: string | undefined, nsec: string | undefined): number | null {
  if (!text) return null;
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.\d+)?\s*([+-]\d{2}:?\d{2}|Z)?$/.exec(
    text.trim(),
  );
  let ms = m
    ? Date.parse(`${m[1]}T${m[2]}${m[3] ? m[3].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2') : 'Z'}`)
    : Date.parse(text);
  if (Number.isNaN(ms)) return null;
  const ns = Number(nsec);
  if (nsec !== undefined && Number.isFinite(ns) && ns > 0 && ns < 1e9) ms += Math.floor(ns / 1e6);
  return ms;
}

export function parseFenceHistory(text: string): FenceEvent[] {
  const start = text.indexOf('<pacemaker-result');
  if (start < 0) throw new Error(`stonith_admin printed no XML: ${text.trim().split('\n')[0] ?? ''}`);
  const root = parseXml(text.slice(start));
  const out: FenceEvent[] = [];
  const walk = (el: ReturnType<typeof parseXml>) => {
    for (const c of el.children) {
      if (c.name === 'fence_event')
        out.push({
          target: c.attrs.target ?? '',
          action: c.attrs.action ?? '',
          status: c.attrs.status ?? '',
          delegate: c.attrs.delegate ?? '',
          completedAt: parseCompleted(c.attrs.completed, c.attrs['completed-nsec']),
          key: JSON.stringify(Object.entries(c.attrs).sort()),
        });
      else walk(c);
    }
  };
  walk(root);
  return out;
}

/**
 * The fencing a member's controller logged since `sinceMs` (`Peer X was terminated (reboot) by Y on behalf of …:
 * OK`), from its journal with microsecond timestamps. Pacemaker's in-memory fencing history can lose an entry
 * when the fenced node rejoins within seconds (seen in the sandbox); the journal of a survivor keeps it.
 */
export function fenceJournalCommand(sinceMs: number): string {
  return `journalctl -u pacemaker --since @${Math.floor(sinceMs / 1000)} -o short-unix --no-pager 2>/dev/null | grep -E 'Peer [^ ]+ was terminated \\(' || true`;
}

export function parseFenceJournal(text: string): FenceEvent[] {
  const out: FenceEvent[] = [];
  for (const line of text.split('\n')) {
    const m =
      /^(\d+\.\d+)\s+\S+\s+pacemaker-controld\[\d+\]:\s+\S+\s+Peer (\S+) was terminated \((\w+)\) by (\S+) on behalf of \S+: (.+)$/.exec(
        line.trim(),
      );
    if (!m) continue;
    out.push({
      target: m[2] as string,
      action: m[3] as string,
      status: m[5] === 'OK' ? 'success' : (m[5] as string),
      delegate: m[4] as string,
      completedAt: Math.round(Number(m[1]) * 1000),
      key: `journal ${m[1]} ${m[2]}`,
    });
  }
  return out;
}
