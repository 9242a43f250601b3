import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { reportHtml } from './html.js';
import { junitXml } from './junit.js';
import type { VerifyReport } from './report.js';

export const REPORT_FILES = ['report.json', 'junit.xml', 'report.html'] as const;

/** Writes report.json, junit.xml and report.html into `dir` (created when missing); returns their paths. */
export async function writeReports(dir: string, report: VerifyReport): Promise<string[]> {
  const d = resolve(dir);
  await mkdir(d, { recursive: true });
  const files: [string, string][] = [
    ['report.json', `${JSON.stringify(report, null, 2)}\n`],
    ['junit.xml', junitXml(report)],
    ['report.html', reportHtml(report)],
  ];
  for (const [name, text] of files) await writeFile(join(d, name), text, { mode: 0o644 });
  return files.map(([name]) => join(d, name));
}
