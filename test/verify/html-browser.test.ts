import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReport, type DrillResult, reportHtml, type TimelineEvent } from '../../src/verify/index.js';
import { decodePng, type Png } from '../support/png.js';
import { exampleInventory } from './support.js';

/**
 * report.html in a real browser (Debian's chromium, headless): the page is screenshotted and the drill timeline is
 * found in the pixels — probe ticks are 2 px wide, 20 px tall bars, green for a connect that worked and red for
 * one that failed, so a column with a vertical run of at least 18 pixels of exactly that colour is a tick (text
 * is never that tall). scripts/ensure-test-tools.sh installs chromium.
 */
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => {
  try {
    readFileSync(p);
    return true;
  } catch {
    return false;
  }
});

const GREEN: [number, number, number] = [0x1a, 0x7f, 0x37];
const RED: [number, number, number] = [0xcf, 0x22, 0x2e];
const PURPLE: [number, number, number] = [0x66, 0x39, 0xba];
const same = (a: [number, number, number], b: [number, number, number]) =>
  a[0] === b[0] && a[1] === b[1] && a[2] === b[2];

/**
 * The ticks of one colour: columns whose longest vertical run of exactly `color` is 18–22 pixels (a 20 px tick;
 * box borders are far taller, text far shorter), adjacent columns grouped into one tick; their x.
 */
function ticks(png: Png, color: [number, number, number]): number[] {
  const cols: number[] = [];
  for (let x = 0; x < png.width; x++) {
    let run = 0;
    let longest = 0;
    for (let y = 0; y < png.height; y++) {
      run = same(png.rgb(x, y), color) ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    if (longest >= 18 && longest <= 22) cols.push(x);
  }
  return cols.filter((x, i) => i === 0 || cols[i - 1] !== x - 1);
}

function count(png: Png, color: [number, number, number]): number {
  let n = 0;
  for (let y = 0; y < png.height; y++)
    for (let x = 0; x < png.width; x++) if (same(png.rgb(x, y), color)) n++;
  return n;
}

function screenshot(html: string): Png {
  if (!CHROMIUM)
    throw new Error(
      'chromium is not installed (Debian: apt-get install chromium; scripts/ensure-test-tools.sh)',
    );
  const dir = mkdtempSync(join(tmpdir(), 'hakit-html-'));
  writeFileSync(join(dir, 'report.html'), html);
  const out = join(dir, 'shot.png');
  execFileSync(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--hide-scrollbars',
      '--force-device-scale-factor=1',
      '--window-size=1300,2600',
      `--screenshot=${out}`,
      `file://${join(dir, 'report.html')}`,
    ],
    { stdio: 'pipe', timeout: 120_000 },
  );
  return decodePng(readFileSync(out));
}

const drill = (): DrillResult => {
  const probes = Array.from({ length: 60 }, (_, i) => ({
    atMs: 200 + i * 100,
    kind: (i >= 20 && i < 35 ? 'probe-fail' : 'probe-ok') as 'probe-fail' | 'probe-ok',
    label: '',
  }));
  return {
    id: 'crash-vip-holder',
    title: 'Hard crash of the VIP holder',
    status: 'pass',
    message: 'passed',
    startedAt: '2026-12-02T18:00:03.000Z',
    durationMs: 6500,
    measurements: [{ name: 'outage', value: 1.5, unit: 's' }],
    properties: { target: 'node1' },
    timeline: [
      ...probes,
      ...([
        { atMs: 2150, kind: 'fault', label: 'power cut of node1' },
        { atMs: 3100, kind: 'fence', label: 'node1 fenced' },
        { atMs: 5000, kind: 'heal', label: 'healed' },
      ] satisfies TimelineEvent[]),
    ].sort((a, b) => a.atMs - b.atMs),
  };
};

const report = (drills: DrillResult[]) =>
  buildReport({
    inv: exampleInventory(),
    inventory: 'inventories/sandbox.yaml',
    version: '0.1.0',
    startedAt: Date.parse('2026-12-02T18:00:00Z'),
    endedAt: Date.parse('2026-12-02T18:00:10Z'),
    checks: [],
    drills,
  });

describe('report.html in headless chromium', () => {
  it('draws each drill timeline: the failed probes as red ticks between green ones, and the fault marks', () => {
    const png = screenshot(reportHtml(report([drill()])));
    const green = ticks(png, GREEN);
    const red = ticks(png, RED);
    // 45 good probes and 15 failed ones, each a 2 px tick.
    expect(green.length).toBe(45);
    expect(red.length).toBe(15);
    // The outage is drawn where it happened: every red tick between the first and the last green one, with green
    // ticks on both sides.
    expect(Math.min(...red)).toBeGreaterThan(Math.min(...green));
    expect(Math.max(...red)).toBeLessThan(Math.max(...green));
    expect(green.filter((x) => x > Math.max(...red)).length).toBe(25);
    // The fault / fencing / heal marks (dashed purple lines).
    expect(count(png, PURPLE)).toBeGreaterThan(30);
  }, 180_000);

  it('without drills nothing of a timeline is drawn (the measure above sees only the timeline)', () => {
    const png = screenshot(reportHtml(report([])));
    expect(ticks(png, GREEN)).toEqual([]);
    expect(ticks(png, RED)).toEqual([]);
    expect(count(png, PURPLE)).toBe(0);
  }, 180_000);
});
