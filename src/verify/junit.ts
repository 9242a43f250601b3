import type { VerifyMeasurement } from '../events/types.js';
import type { VerifyReport } from './report.js';

/** XML 1.0 text and attribute escaping; characters XML cannot hold (ANSI escapes, NUL) are dropped. */
export function xmlEscape(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

const attr = (o: Record<string, string | number>) =>
  Object.entries(o)
    .map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`)
    .join('');

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/** A measurement's property name: `host:name_unit`. */
export function propertyName(m: VerifyMeasurement): string {
  return `${m.host ? `${m.host}:` : ''}${m.name}${m.unit ? `_${m.unit}` : ''}`;
}

function properties(props: [string, string][], pad: string): string[] {
  if (!props.length) return [];
  return [
    `${pad}<properties>`,
    ...props.map(([name, value]) => `${pad}  <property${attr({ name, value })}/>`),
    `${pad}</properties>`,
  ];
}

/**
 * JUnit XML (the Ant/Jenkins schema CI servers read): one testsuite of health checks (one testcase per check, a
 * failure per failed check, measurements as properties; a warning passes, with status=warn and its message in
 * system-out) and, when drills ran, one testsuite of drills.
 */
export function junitXml(report: VerifyReport): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const checks = report.checks;
  const drills = report.drills;
  const failures = report.summary.checks.failed + report.summary.drills.failed;
  out.push(
    `<testsuites${attr({
      name: `hakit verify ${report.topology.cluster}`,
      tests: checks.length + drills.length,
      failures,
      errors: 0,
      skipped: 0,
      time: seconds(report.durationMs),
      timestamp: report.startedAt,
    })}>`,
  );
  const checksTime = Math.max(0, ...checks.map((c) => c.durationMs));
  out.push(
    `  <testsuite${attr({
      name: 'health checks',
      tests: checks.length,
      failures: report.summary.checks.failed,
      errors: 0,
      skipped: 0,
      time: seconds(checksTime),
      timestamp: report.startedAt,
    })}>`,
    ...properties(
      [
        ['cluster', report.topology.cluster],
        ['inventory', report.inventory],
        ['hakit', report.tool.version],
        ['warnings', String(report.summary.checks.warned)],
      ],
      '    ',
    ),
  );
  for (const c of checks) {
    out.push(
      `    <testcase${attr({ classname: `hakit.verify.${c.component}`, name: `${c.id}: ${c.title}`, time: seconds(c.durationMs) })}>`,
      ...properties(
        [
          ['status', c.status],
          ...c.measurements.map((m): [string, string] => [propertyName(m), String(m.value)]),
        ],
        '      ',
      ),
    );
    const body = c.details ? `${c.message}\n\n${c.details}` : c.message;
    if (c.status === 'fail')
      out.push(
        `      <failure${attr({ message: c.message.split('\n')[0] ?? '', type: c.advisory ? 'advisory' : 'check' })}>${xmlEscape(body)}</failure>`,
      );
    out.push(
      `      <system-out>${xmlEscape(c.status === 'warn' ? `WARNING: ${body}` : body)}</system-out>`,
      '    </testcase>',
    );
  }
  out.push('  </testsuite>');
  if (drills.length) {
    out.push(
      `  <testsuite${attr({
        name: 'drills',
        tests: drills.length,
        failures: report.summary.drills.failed,
        errors: 0,
        skipped: 0,
        time: seconds(drills.reduce((a, d) => a + d.durationMs, 0)),
        timestamp: drills[0]?.startedAt ?? report.startedAt,
      })}>`,
    );
    for (const d of drills) {
      out.push(
        `    <testcase${attr({ classname: 'hakit.verify.drill', name: `${d.id}: ${d.title}`, time: seconds(d.durationMs) })}>`,
        ...properties(
          [
            ['status', d.status],
            ...d.measurements.map((m): [string, string] => [propertyName(m), String(m.value)]),
            ...Object.entries(d.properties),
          ],
          '      ',
        ),
      );
      if (d.status === 'fail')
        out.push(
          `      <failure${attr({ message: d.message.split('\n')[0] ?? '', type: 'drill' })}>${xmlEscape(d.message)}</failure>`,
        );
      out.push(`      <system-out>${xmlEscape(d.message)}</system-out>`, '    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>', '');
  return out.join('\n');
}
