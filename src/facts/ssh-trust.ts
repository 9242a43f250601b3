import { z } from 'zod';
import { ParseProblem } from './errors.js';
import { decodeBase64, lines, splitOnce } from './lines.js';
import type { Fact } from './types.js';

export const sshTrustSchema = z.object({
  /** root's home directory (getent passwd root). */
  home: z.string().startsWith('/'),
  /** ~root/.ssh/id_ed25519 exists (its content is never read). */
  privateKey: z.boolean(),
  /** ~root/.ssh/id_ed25519.pub's first line (`ssh-ed25519 AAAA… comment`); null when absent. */
  publicKey: z.string().nullable(),
  /** The host's public keys (/etc/ssh/ssh_host_*_key.pub): `TYPE BASE64` each, comment dropped. */
  hostKeys: z.array(z.string()),
  /** ~root/.ssh/authorized_keys; null when absent. */
  authorizedKeys: z.string().nullable(),
  /** ~root/.ssh/known_hosts; null when absent. */
  knownHosts: z.string().nullable(),
});
export type SshTrustInfo = z.infer<typeof sshTrustSchema>;

const KEY_LINE =
  /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(?:256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) ([A-Za-z0-9+/]+={0,3})(?: .*)?$/;

/**
 * What root SSH trust between the nodes reads on one host, in one round trip (root): whether root has an ed25519
 * key (the private key is only tested for existence, never read), its public key, the host's public host keys,
 * and root's authorized_keys and known_hosts (base64).
 */
export const sshTrustFact: Fact<SshTrustInfo> = {
  name: 'ssh_trust',
  become: true,
  command: () =>
    [
      'echo ssh_trust',
      `h=$(getent passwd root); h=\${h#*:*:*:*:*:}; h=\${h%%:*}`,
      'printf \'home=%s\\n\' "$h"',
      'if [ -f "$h/.ssh/id_ed25519" ]; then echo private=yes; else echo private=no; fi',
      'if [ -f "$h/.ssh/id_ed25519.pub" ]; then printf \'pub=%s\\n\' "$(head -n1 "$h/.ssh/id_ed25519.pub" | base64 -w0)"; fi',
      'for x in /etc/ssh/ssh_host_*_key.pub; do [ -f "$x" ] && printf \'hostkey=%s\\n\' "$(head -n1 "$x" | base64 -w0)"; done',
      'if [ -f "$h/.ssh/authorized_keys" ]; then printf \'authorized=%s\\n\' "$(base64 -w0 < "$h/.ssh/authorized_keys")"; fi',
      'if [ -f "$h/.ssh/known_hosts" ]; then printf \'known=%s\\n\' "$(base64 -w0 < "$h/.ssh/known_hosts")"; fi',
      ':',
    ].join('\n'),
  parse(stdout) {
    const ls = lines(stdout);
    if (ls[0] !== 'ssh_trust') throw new ParseProblem('missing header line');
    let home = '';
    let privateKey: boolean | undefined;
    let publicKey: string | null = null;
    let authorizedKeys: string | null = null;
    let knownHosts: string | null = null;
    const hostKeys: string[] = [];
    for (const l of ls.slice(1)) {
      const [k, v] = splitOnce(l, '=');
      if (k === 'home') home = v;
      else if (k === 'private') privateKey = v === 'yes';
      else if (k === 'pub') publicKey = decodeBase64('ssh_trust', v).trim() || null;
      else if (k === 'hostkey') {
        const m = KEY_LINE.exec(decodeBase64('ssh_trust', v).trim());
        if (m) hostKeys.push(`${m[1]} ${m[2]}`);
      } else if (k === 'authorized') authorizedKeys = decodeBase64('ssh_trust', v);
      else if (k === 'known') knownHosts = decodeBase64('ssh_trust', v);
      else throw new ParseProblem(`unexpected line "${l.slice(0, 40)}"`);
    }
    if (privateKey === undefined) throw new ParseProblem('missing private= line');
    if (publicKey !== null && !KEY_LINE.test(publicKey))
      throw new ParseProblem("root's id_ed25519.pub is not an OpenSSH public key");
    return { home, privateKey, publicKey, hostKeys: hostKeys.sort(), authorizedKeys, knownHosts };
  },
  schema: sshTrustSchema,
};
