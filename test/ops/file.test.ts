import { describe, expect, it } from 'vitest';
import { ancestors } from '../../src/ops/file.js';
import { getOperation, PlanError } from '../../src/ops/index.js';
import { commands, existingFile, fileReq, planOp } from './helpers.js';

const P = '/srv/app';
const plan = (args: object, cur: unknown) => planOp('file', { path: P, ...args }, [fileReq(P), cur]);

describe('file operation', () => {
  it('directory: mkdir -p with mode, chown; existing with right attributes → empty', () => {
    expect(
      commands(plan({ state: 'directory', mode: '0750', owner: 'app', group: 'app' }, { exists: false })),
    ).toEqual(['mkdir -p -m 0750 -- /srv/app', 'chown app:app -- /srv/app']);
    const dir = existingFile({
      type: 'directory',
      mode: '0750',
      owner: 'app',
      group: 'app',
      uid: 999,
      gid: 999,
    });
    expect(plan({ state: 'directory', mode: '0750', owner: 'app', group: 'app' }, dir)).toEqual({
      steps: [],
    });
    expect(commands(plan({ state: 'directory', mode: '0755' }, dir))).toEqual(['chmod 0755 -- /srv/app']);
    expect(commands(plan({ state: 'directory', group: 'adm' }, dir))).toEqual(['chown :adm -- /srv/app']);
    expect(() => plan({ state: 'directory' }, existingFile())).toThrow(PlanError);
  });

  it('names the paths it changes, so only their facts go stale', () => {
    expect(plan({ state: 'directory' }, { exists: false }).touches).toEqual({ exact: [P, '/srv'] });
    expect(plan({ state: 'absent' }, existingFile()).touches).toEqual({ tree: [P] });
    expect(plan({ state: 'link', src: '/opt/x' }, { exists: false }).touches).toEqual({ tree: [P] });
    expect(plan({ mode: '0600' }, existingFile()).touches).toEqual({ exact: [P] });
    expect(ancestors('/a/b/c/')).toEqual(['/a/b', '/a']);
    expect(ancestors('/a')).toEqual([]);
  });

  it('file: only attributes, and it must exist', () => {
    expect(commands(plan({ mode: '0600' }, existingFile()))).toEqual(['chmod 0600 -- /srv/app']);
    expect(plan({ mode: '0644' }, existingFile())).toEqual({ steps: [] });
    expect(() => plan({ mode: '0600' }, { exists: false })).toThrow(/does not exist \(use state: touch/);
  });

  it('touch: creates when missing; an existing file is left alone (idempotent)', () => {
    expect(commands(plan({ state: 'touch', mode: '0600', owner: 'root' }, { exists: false }))).toEqual([
      'touch -- /srv/app',
      'chown root -- /srv/app',
      'chmod 0600 -- /srv/app',
    ]);
    expect(plan({ state: 'touch', mode: '0644' }, existingFile())).toEqual({ steps: [] });
  });

  it('absent: rm -rf when present, nothing when gone', () => {
    expect(commands(plan({ state: 'absent' }, existingFile({ type: 'directory' })))).toEqual([
      'rm -rf -- /srv/app',
    ]);
    expect(plan({ state: 'absent' }, { exists: false })).toEqual({ steps: [] });
  });

  it('link: creates/fixes the link, right link → empty, never chmods a link, refuses a directory', () => {
    expect(commands(plan({ state: 'link', src: '/opt/app-1.2' }, { exists: false }))).toEqual([
      'ln -sfn -- /opt/app-1.2 /srv/app',
    ]);
    const link = existingFile({ type: 'link', mode: '0777', target: '/opt/app-1.2' });
    expect(plan({ state: 'link', src: '/opt/app-1.2', mode: '0600' }, link)).toEqual({ steps: [] });
    expect(commands(plan({ state: 'link', src: '/opt/app-1.3' }, link))).toEqual([
      'ln -sfn -- /opt/app-1.3 /srv/app',
    ]);
    expect(commands(plan({ state: 'link', src: '/opt/app-1.2', owner: 'app' }, link))).toEqual([
      'chown -h app -- /srv/app',
    ]);
    expect(() => plan({ state: 'link', src: '/x' }, existingFile({ type: 'directory' }))).toThrow(
      /directory/,
    );
  });

  it('args: src only with link, modes validated, paths quoted', () => {
    const op = getOperation('file');
    expect(op.args.safeParse({ path: P, state: 'link' }).success).toBe(false);
    expect(op.args.safeParse({ path: P, src: '/x' }).success).toBe(false);
    expect(op.args.safeParse({ path: P, mode: 'u+x' }).success).toBe(false);
    expect(
      commands(
        planOp('file', { path: "/srv/it's here", state: 'absent' }, [
          fileReq("/srv/it's here"),
          existingFile(),
        ]),
      ),
    ).toEqual([`rm -rf -- '/srv/it'\\''s here'`]);
  });
});
