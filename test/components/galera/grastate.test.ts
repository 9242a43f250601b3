import { describe, expect, it } from 'vitest';
import {
  describeGrastate,
  describeRecovery,
  hasClusterUuid,
  parseGrastate,
  parseSeqno,
  parseWsrepRecover,
  ZERO_UUID,
} from '../../../src/components/galera/grastate.js';
import { fixture, UUID_A } from './support.js';

const g = (name: string) => parseGrastate(fixture(`grastate/${name}`));

describe('grastate.dat (Galera 4, version 2.1)', () => {
  it('a clean shutdown of the last member: position and safe_to_bootstrap=1', () => {
    expect(g('clean-last.dat')).toEqual({
      version: '2.1',
      uuid: UUID_A,
      seqno: 7,
      safeToBootstrap: true,
      problems: [],
    });
    expect(g('clean.dat')).toMatchObject({ seqno: 5, safeToBootstrap: false, problems: [] });
  });

  it('a crash (or a running server): seqno -1, the uuid kept', () => {
    expect(g('crashed.dat')).toEqual({
      version: '2.1',
      uuid: UUID_A,
      seqno: -1,
      safeToBootstrap: false,
      problems: [],
    });
    // A one-node cluster keeps safe_to_bootstrap 1 while it runs, and after a kill -9.
    expect(g('one-node-running.dat')).toMatchObject({ seqno: -1, safeToBootstrap: true, problems: [] });
  });

  it('no file at all: no state (null)', () => {
    expect(parseGrastate(null)).toBeNull();
    expect(describeGrastate(null)).toBe('no grastate.dat');
  });

  it('the all-zero uuid is parsed as such and names no cluster', () => {
    const s = g('never-joined.dat');
    expect(s).toMatchObject({ uuid: ZERO_UUID, seqno: -1, safeToBootstrap: true, problems: [] });
    expect(hasClusterUuid(s?.uuid ?? null)).toBe(false);
    expect(hasClusterUuid(UUID_A)).toBe(true);
    expect(describeGrastate(s)).toContain(`uuid ${ZERO_UUID} (none)`);
  });

  it('an empty file (crash before Galera’s first write) gives problems, not an exception', () => {
    const s = g('empty.dat');
    expect(s).toMatchObject({ uuid: null, seqno: null, safeToBootstrap: null });
    expect(s?.problems.join('\n')).toMatch(/empty file/);
  });

  it('a partial file (crash while Galera rewrote it in place) keeps what it has and says what is missing', () => {
    const s = g('partial.dat');
    expect(s).toMatchObject({ version: '2.1', uuid: UUID_A, seqno: null, safeToBootstrap: null });
    expect(s?.problems).toEqual([
      'no seqno line (partial file: a crash while Galera wrote it?)',
      'no safe_to_bootstrap line (partial file: a crash while Galera wrote it?)',
    ]);
  });

  it('spaces Galera leaves after the last newline when a shorter state overwrote a longer one', () => {
    expect(g('padded.dat')).toEqual({
      version: '2.1',
      uuid: UUID_A,
      seqno: 99,
      safeToBootstrap: false,
      problems: [],
    });
  });

  it('an old 2.0 file (cert_index line, no safe_to_bootstrap) and CRLF line ends', () => {
    const s = g('v20-cert-index.dat');
    expect(s).toMatchObject({ version: '2.0', seqno: 10060, safeToBootstrap: null });
    expect(s?.problems).toEqual(['no safe_to_bootstrap line (partial file: a crash while Galera wrote it?)']);
    const crlf = parseGrastate(fixture('grastate/clean-last.dat').replace(/\n/g, '\r\n'));
    expect(crlf).toMatchObject({ uuid: UUID_A, seqno: 7, safeToBootstrap: true, problems: [] });
  });

  it('malformed values are named', () => {
    expect(g('garbage.dat')).toEqual({
      version: '2.1',
      uuid: null,
      seqno: null,
      safeToBootstrap: null,
      problems: [
        'uuid: "not-a-uuid" is not a uuid',
        'seqno: "twelve" is not a seqno',
        'safe_to_bootstrap: "yes" is neither 0 nor 1',
      ],
    });
    expect(describeGrastate(g('garbage.dat'))).toBe(
      'grastate.dat: uuid ?, seqno ?, safe_to_bootstrap ? (uuid: "not-a-uuid" is not a uuid; ' +
        'seqno: "twelve" is not a seqno; safe_to_bootstrap: "yes" is neither 0 nor 1)',
    );
  });

  it('seqnos: -1, unsigned -1, large and invalid ones', () => {
    expect(parseSeqno('-1')).toBe(-1);
    expect(parseSeqno('18446744073709551615')).toBe(-1);
    expect(parseSeqno(' 9007199254740991 ')).toBe(9007199254740991);
    expect(parseSeqno('9007199254740993')).toBeNull();
    expect(parseSeqno('-2')).toBeNull();
    expect(parseSeqno('12a')).toBeNull();
  });
});

describe('mariadbd --wsrep-recover output', () => {
  it('a recovered position (MariaDB 10.11 error log on stderr)', () => {
    const r = parseWsrepRecover(fixture('recover/success.txt'));
    expect(r).toEqual({ kind: 'recovered', uuid: UUID_A, seqno: 5 });
    expect(describeRecovery(r)).toBe(`--wsrep-recover: ${UUID_A}:5`);
  });

  it('no replicated transaction in InnoDB: the all-zero uuid and -1', () => {
    expect(parseWsrepRecover(fixture('recover/zero.txt'))).toEqual({
      kind: 'recovered',
      uuid: ZERO_UUID,
      seqno: -1,
    });
  });

  it('the wrappers’ form without a colon (galera_recovery, mysqld_safe); the last line wins', () => {
    expect(parseWsrepRecover(fixture('recover/wrapper.txt'))).toEqual({
      kind: 'recovered',
      uuid: UUID_A,
      seqno: 5,
    });
    const two = `${fixture('recover/zero.txt')}${fixture('recover/wrapper.txt')}`;
    expect(parseWsrepRecover(two)).toMatchObject({ seqno: 5 });
  });

  it('a failure: the exit code and the first [ERROR] lines, without timestamps', () => {
    const r = parseWsrepRecover(fixture('recover/error.txt'), 1);
    expect(r).toMatchObject({ kind: 'failed', preparedTransactions: false });
    expect(r.kind === 'failed' && r.reason).toBe(
      "mariadbd --wsrep-recover exited with 1: mariadbd: Can't lock aria control file " +
        "'/var/lib/mysql/aria_log_control' for exclusive use, error: 11. Will retry for 30 seconds | " +
        "mariadbd: Got error 'Could not get an exclusive lock; file is probably in use by another process' " +
        "when trying to use aria control file '/var/lib/mysql/aria_log_control' | " +
        "Plugin 'Aria' registration as a STORAGE ENGINE failed.",
    );
  });

  it('prepared transactions are flagged (ClusterLabs then retries with --tc-heuristic-recover=rollback)', () => {
    const r = parseWsrepRecover(fixture('recover/prepared.txt'), 1);
    expect(r).toMatchObject({ kind: 'failed', preparedTransactions: true });
    expect(describeRecovery(r)).toMatch(/\[prepared transactions\]$/);
  });

  it('a non-zero exit is a failure even after a position line; no position line at all is one too', () => {
    expect(parseWsrepRecover(fixture('recover/success.txt'), 1)).toMatchObject({ kind: 'failed' });
    expect(parseWsrepRecover('')).toEqual({
      kind: 'failed',
      reason: 'no "WSREP: Recovered position" line in the output',
      preparedTransactions: false,
    });
  });

  it('wsrep off: "skipping position recovery" is reported as skipped', () => {
    expect(parseWsrepRecover(fixture('recover/skipped.txt'))).toEqual({
      kind: 'skipped',
      line: '[Note] WSREP: disabled, skipping position recovery',
    });
  });
});
