import { HakitError } from '../../errors/index.js';

/**
 * hakit will not initialise a DRBD resource: a backing disk is missing, a disk holds DRBD metadata of another
 * resource or data without DRBD metadata, or a member's state cannot be read. The message names the resource,
 * each node with its disk and what was found there, says that nothing was initialised, and what to do. Exit 4.
 */
export class DrbdRefusalError extends HakitError {
  readonly resource: string;
  /** One line per problem: `NODE: DISK: what was found`. */
  readonly findings: string[];
  constructor(resource: string, problem: string, findings: string[], remedies: string[]) {
    super(
      [
        `DRBD resource ${resource}: ${problem}`,
        ...findings.map((f) => `  ${f}`),
        'Nothing was initialised: no create-md, up or promotion on any member.',
        'What you can do:',
        ...remedies.map((r) => `  - ${r}`),
      ].join('\n'),
      { code: 'E_DRBD_REFUSED', exitCode: 4 },
    );
    this.resource = resource;
    this.findings = findings;
  }
}
