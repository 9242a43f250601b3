import { describe, expect, it } from 'vitest';
import { LocalConnector, shellQuote, sudoWrap, withEnv, withRemoteTimeout } from '../../src/connect/index.js';

const local = new LocalConnector();

describe('shellQuote / withEnv (checked by a real /bin/sh)', () => {
  it('round-trips awkward strings through sh', async () => {
    for (const s of ['plain', '', "it's", 'a b  c', '$HOME `id` $(id) \\ " \n newline', 'ünïcødé ✓']) {
      const r = await local.exec(`printf '%s' ${shellQuote(s)}`);
      expect(r.stdout).toBe(s);
    }
  });
  it('exports env before the command and rejects bad names', async () => {
    const r = await local.exec(withEnv('echo "$A|$B"', { A: "x y'z", B: '$HOME' }));
    expect(r.stdout).toBe("x y'z|$HOME\n");
    expect(() => withEnv('true', { 'BAD-NAME': '1' })).toThrow(/invalid environment/);
  });
});

describe('sudoWrap', () => {
  it('without password uses sudo -n and runs the command verbatim in sh -c', () => {
    const w = sudoWrap("echo 'hi'", { password: false, nonce: 'n1' });
    expect(w.command).toBe(`sudo -n -H -u root -- /bin/sh -c 'echo '\\''hi'\\'''`);
    expect(w.prompt).toBeUndefined();
  });
  it('with password reads it from stdin behind a unique prompt, and marks the start of the command', () => {
    const w = sudoWrap('id -u', { password: true, nonce: 'abc' });
    expect(w.command).toContain("sudo -S -H -p '[hakit-sudo-abc]' -u root -- /bin/sh -c");
    expect(w.marker).toBe('HAKIT-BECOME-OK-abc');
    expect(w.command).toContain('echo HAKIT-BECOME-OK-abc >&2');
  });
});

describe('withRemoteTimeout', () => {
  it('kills the command and its children (process group) on the remote side after timeout + grace', async () => {
    const r = await local.exec(withRemoteTimeout('echo $$; sleep 30 & wait', 100, 200), {
      timeoutMs: 20_000,
    });
    // `timeout` SIGKILLs its whole process group, itself included, long before our own 20 s limit
    expect(r).toMatchObject({ exitCode: null, signal: 'SIGKILL' });
    const pid = Number(r.stdout.trim());
    expect(pid).toBeGreaterThan(1);
    // gone, or a zombie when this machine's PID 1 does not reap orphans
    const state = await local.exec(`ps -o stat= -p ${pid} || true`);
    expect(state.stdout.trim()).toMatch(/^(Z.*)?$/);
  });
  it('leaves a command that finishes in time alone', async () => {
    const r = await local.exec(withRemoteTimeout("printf '%s' \"it's ok\"", 5000));
    expect(r).toMatchObject({ exitCode: 0, stdout: "it's ok" });
  });
});
