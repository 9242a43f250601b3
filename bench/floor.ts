/**
 * The floor under W1's 30-vs-3 ratio: the least any ordered runner must do with these hosts. One process (as
 * `hakit run` is one): load the inventory, open hakit's own SSH connection to every host (host keys checked as
 * usual), then ROUNDS rounds of one empty command (`true`) on all hosts in parallel, each round after the last.
 * No facts, no planning, no files: what is left is Node's startup, SSH logins and the per-command cost of sshd
 * and the shell on each host.
 *
 *   node dist/bench/floor.js INVENTORY ROUNDS
 */

import { loadInventory } from '../src/inventory/load.js';
import { openSession } from '../src/session/index.js';

async function main(): Promise<number> {
  const [inventory, roundsArg] = process.argv.slice(2);
  const rounds = Number(roundsArg);
  if (!inventory || !Number.isInteger(rounds) || rounds < 1) {
    process.stderr.write('usage: floor INVENTORY ROUNDS\n');
    return 2;
  }
  const loaded = await loadInventory(inventory);
  // The same session `hakit run` opens: targets (host keys checked), one connection per host, masker.
  const session = openSession(loaded);
  const conns = loaded.inventory.nodes.map((n) => session.connector(n.name));
  try {
    await Promise.all(conns.map((c) => c.connect()));
    for (let r = 0; r < rounds; r++) {
      const res = await Promise.all(conns.map((c) => c.exec('true')));
      const bad = res.find((x) => x.exitCode !== 0);
      if (bad) throw new Error(`round ${r + 1}: exit ${bad.exitCode}`);
    }
  } finally {
    await session.close();
  }
  return 0;
}

process.exitCode = await main();
