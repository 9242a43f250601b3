/**
 * The drain handshake between `hakit galera restart` and the clustercheck script (templates/clustercheck.sh.hbs):
 * while DRAIN_FILE holds "EXPIRY drain", clustercheck answers 503 whatever the node's state, so every HAProxy
 * marks the node DOWN before it stops; "EXPIRY ready" answers the real state. In both modes each answer is
 * appended to DRAIN_ANSWERS as "CHECKER_ADDRESS CODE": the restart counts, per HAProxy node, the answers it saw
 * (HAProxy marks a server DOWN after `fall` failed checks and UP after `rise` good ones). Past EXPIRY (epoch
 * seconds) clustercheck ignores the file, so an interrupted restart never keeps a node out of HAProxy.
 * Both live under /run (tmpfs): a reboot forgets them.
 */
export const DRAIN_DIR = '/run/hakit';
export const DRAIN_FILE = `${DRAIN_DIR}/galera-drain`;
export const DRAIN_ANSWERS = `${DRAIN_DIR}/galera-drain.answers`;
