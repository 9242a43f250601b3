import { HakitError } from '../../errors/index.js';

/**
 * The CLI flag naming the member to bootstrap when hakit refuses to choose (it will be called exactly this:
 * `hakit bootstrap --galera-bootstrap-node NODE`); every refusal tells the operator about it.
 */
export const BOOTSTRAP_NODE_FLAG = '--galera-bootstrap-node';

/**
 * hakit will not bootstrap (or recover) the Galera cluster by itself: the message says what was wrong, what was
 * found on each member, that nothing was started, and what the operator can do. Exit 4.
 */
export class GaleraBootstrapError extends HakitError {
  /** One line per member: the node and what was found there, in inventory order. */
  readonly findings: string[];
  readonly problem: string;
  readonly remedies: string[];
  constructor(problem: string, findings: string[], remedies: string[]) {
    super(
      [
        `Galera: ${problem}`,
        'Found:',
        ...findings.map((f) => `  ${f}`),
        'Nothing was started.',
        'What you can do:',
        ...remedies.map((r) => `  - ${r}`),
      ].join('\n'),
      { code: 'E_GALERA_BOOTSTRAP', exitCode: 4 },
    );
    this.problem = problem;
    this.findings = findings;
    this.remedies = remedies;
  }
}
