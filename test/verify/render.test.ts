import { describe, expect, it } from 'vitest';
import type { VerifyCheckResult } from '../../src/events/types.js';
import { createRenderer } from '../../src/output/index.js';

const result = (
  status: VerifyCheckResult['status'],
  message: string,
  details?: string,
): VerifyCheckResult => ({
  id: `x.${status}`,
  component: 'x',
  title: `a ${status} check`,
  status,
  message,
  ...(details ? { details } : {}),
  measurements: [],
  reads: '',
  expects: '',
  why: '',
  advisory: false,
  durationMs: 1,
});

describe('verify output', () => {
  it('plain: one line per check with its message (and diff) under it, then the summary and the reports', async () => {
    let text = '';
    const r = createRenderer('plain', { write: (s: string) => (text += s) }, {});
    r.emit({
      type: 'verify.start',
      at: 0,
      inventory: 'i.yaml',
      cluster: 'c1',
      hosts: ['n1', 'n2'],
      checks: 3,
    });
    r.emit({ type: 'verify.check', at: 1, result: result('pass', 'all good') });
    r.emit({
      type: 'verify.check',
      at: 2,
      result: result('fail', 'n2: down\nfix it', '--- a/x\n+++ b/x\n-old\n+new'),
    });
    r.emit({ type: 'verify.check', at: 3, result: result('warn', 'careful') });
    r.emit({
      type: 'verify.end',
      at: 4,
      durationMs: 1500,
      passed: 1,
      failed: 1,
      warned: 1,
      exitCode: 7,
      reports: ['/r/junit.xml'],
    });
    await r.close();
    expect(text).toContain('VERIFY c1: 3 checks on n1, n2');
    expect(text).toMatch(/^PASS {2}x\.pass {2}a pass check\n {6}all good$/m);
    expect(text).toMatch(/^FAIL {2}x\.fail {2}a fail check\n {6}n2: down\n {6}fix it\n {6}--- a\/x\n/m);
    expect(text).toMatch(/^WARN {2}x\.warn/m);
    expect(text).toMatch(/^VERIFY \(1\.5 s\): 1 passed, 1 failed, 1 warnings\n {2}report: \/r\/junit\.xml$/m);
  });

  it('json: the check event carries the whole result', async () => {
    let text = '';
    const r = createRenderer('json', { write: (s: string) => (text += s) }, {});
    r.emit({ type: 'verify.check', at: 1, result: result('fail', 'bad') });
    await r.close();
    expect(JSON.parse(text)).toMatchObject({
      type: 'verify.check',
      result: { id: 'x.fail', status: 'fail', message: 'bad' },
    });
  });
});
