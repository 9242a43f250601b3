export { reportHtml, timelineSvg, topologySvg } from './html.js';
export { junitXml, propertyName, xmlEscape } from './junit.js';
export {
  buildReport,
  type DrillResult,
  summarize,
  type TimelineEvent,
  type Topology,
  topologyOf,
  VERIFY_FAILED_EXIT,
  type VerifyReport,
} from './report.js';
export { applicableChecks, type ProbeExec, type RunChecksOptions, runChecks } from './run-checks.js';
export { REPORT_FILES, writeReports } from './write-reports.js';
