import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DrbdState, DrbdStateArgs } from '../../src/facts/drbd-state.js';
import { getFact } from '../../src/facts/index.js';
import {
  SHARED_ARGS as ARGS,
  b64,
  parseState,
  stateFixture,
  statusFixture,
} from '../components/drbd/support.js';

const NO_MODULE = {
  kind: 'down',
  exitCode: 20,
  message: 'sh: 1: /sbin/modprobe: not found\nFailed to modprobe drbd (No such file or directory)',
};

describe('drbd_state: the parser, fed what the snippet printed on this machine (fixtures/README.md)', () => {
  it('a blank disk: no metadata (drbdmeta exit 1, "No valid meta data found"), no signature', () => {
    expect(parseState(stateFixture('blank-disk.out'))).toEqual({
      disk: 'block',
      kernel: NO_MODULE,
      metadata: { kind: 'none' },
      signature: {},
      otherResources: [],
    });
  });

  it('just-created metadata: Inconsistent, with the dump-md header up to the first bitmap', () => {
    const s = parseState(stateFixture('fresh-metadata.out'));
    expect(s.metadata).toMatchObject({ kind: 'present', diskState: 'Inconsistent', unclean: false });
    const header = s.metadata?.kind === 'present' ? s.metadata.header : '';
    expect(header).toMatch(/^# DRBD meta data dump/);
    expect(header).toContain('node-id -1;\ncurrent-uuid 0x0000000000000004;');
    expect(header.trimEnd().endsWith('bitmap[0] {')).toBe(true);
    expect(s.signature).toBeNull();
  });

  it('an ext4 filesystem and no metadata: blkid says what is there', () => {
    expect(parseState(stateFixture('ext4-no-metadata.out'))).toMatchObject({
      metadata: { kind: 'none' },
      signature: { TYPE: 'ext4', USAGE: 'filesystem' },
    });
  });

  it('metadata of a node that held data (UpToDate), and metadata written as another node-id', () => {
    expect(parseState(stateFixture('uptodate-metadata-node0.out')).metadata).toMatchObject({
      kind: 'present',
      diskState: 'UpToDate',
    });
    const other = parseState(stateFixture('metadata-node2.out')).metadata;
    expect(other?.kind === 'present' && other.header).toContain('node-id 2;');
  });

  it('a missing disk: no metadata read', () => {
    expect(parseState(stateFixture('missing-disk.out'))).toEqual({
      disk: 'missing',
      kernel: NO_MODULE,
      metadata: null,
      signature: null,
      otherResources: [],
    });
  });

  it('a resource that is up: drbdsetup status --json (role, disk states, peers)', () => {
    const out = `B|block\nS|0|${b64(statusFixture('connected-uptodate.json'))}\n`;
    expect(parseState(out)).toEqual({
      disk: 'block',
      kernel: {
        kind: 'up',
        role: 'Secondary',
        diskState: 'UpToDate',
        peers: [{ name: 'fs2', connection: 'Connected', role: 'Secondary', diskState: 'UpToDate' }],
      },
      metadata: null,
      signature: null,
      otherResources: [],
    });
  });

  it('unclean metadata is metadata; any other drbdmeta failure is unreadable, never "none"', () => {
    const unclean = `B|block\nS|10|\nD|255|${b64('Found meta data is "unclean", please apply-al first')}\n`;
    expect(parseState(unclean).metadata).toMatchObject({ kind: 'present', unclean: true });
    const busy = `B|block\nS|10|\nD|20|${b64("Device '1' is configured!")}\n`;
    expect(parseState(busy).metadata).toEqual({
      kind: 'unreadable',
      exitCode: 20,
      message: "Device '1' is configured!",
    });
  });

  it('blkid: exit 2 is "nothing there"; any other failure is kept as an error, never read as empty', () => {
    const none = `B|block\nS|10|\nD|1|${b64('No valid meta data found')}\n`;
    expect(parseState(`${none}T|2|\n`).signature).toEqual({});
    expect(parseState(`${none}T|8|\n`).signature).toEqual({ ERROR: 'blkid exit 8' });
    expect(parseState(none).signature).toBeNull();
  });

  it('rejects output it does not understand', () => {
    expect(() => parseState('B|block\n')).toThrow(/missing status line/);
    expect(() => parseState('X|1\n')).toThrow(/unexpected line/);
    expect(() => parseState(`B|block\nS|0|${b64('[]')}\n`)).toThrow(/does not list the resource/);
  });
});

describe('drbd_state: the snippet run by sh, with drbd-utils replaced by scripts printing captured output', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hakit-drbd-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const tool = (name: string, body: string) => {
    writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  };
  // What drbd-utils 9.22 prints here without the kernel module, and two configured resources.
  tool('drbdsetup', 'echo "Failed to modprobe drbd (No such file or directory)" >&2; exit 20');
  tool('drbdmeta', 'echo "No valid meta data found" >&2; exit 1');
  tool('blkid', 'exit 2');
  tool(
    'drbdadm',
    `case "$1" in sh-resources) echo "shared old";; sh-ll-dev) [ "$2" = old ] && echo ${join(dir, 'disk')};; esac`,
  );

  function run(args: DrbdStateArgs): DrbdState {
    const f = getFact('drbd_state');
    const r = spawnSync('sh', ['-c', f.command(f.args?.parse(args))], {
      encoding: 'utf8',
      env: { PATH: `${dir}:/usr/bin:/bin` },
    });
    return parseState(r.stdout, args);
  }

  it('names another configured resource that uses the same disk; a missing disk reads nothing', () => {
    writeFileSync(join(dir, 'disk'), '');
    expect(run({ ...ARGS, disk: join(dir, 'disk') })).toEqual({
      disk: 'not-block',
      kernel: { kind: 'down', exitCode: 20, message: 'Failed to modprobe drbd (No such file or directory)' },
      metadata: null,
      signature: null,
      otherResources: ['old'],
    });
    expect(run({ ...ARGS, disk: join(dir, 'nothing') })).toMatchObject({
      disk: 'missing',
      otherResources: [],
    });
  });

  it('without drbd-utils: no-tools, nothing else read', () => {
    const f = getFact('drbd_state');
    const cmd = f.command(f.args?.parse({ ...ARGS, disk: join(dir, 'nothing') }));
    const sh = spawnSync('/bin/sh', ['-c', `PATH=/nonexistent; ${cmd}`], { encoding: 'utf8' });
    expect(parseState(sh.stdout)).toEqual({
      disk: 'missing',
      kernel: { kind: 'no-tools' },
      metadata: null,
      signature: null,
      otherResources: [],
    });
  });
});
