import { InputError } from '../errors/index.js';
import { authorizedKeyOp } from './authorized-key.js';
import { commandOp, shellOp } from './command.js';
import { configFileOp } from './config-file.js';
import { copyOp, templateOp } from './copy.js';
import { fileOp } from './file.js';
import { blockInFileOp, lineInFileOp } from './lineinfile.js';
import { packageOp } from './package.js';
import { selinuxOp } from './selinux.js';
import { serviceOp } from './service.js';
import { sysctlOp } from './sysctl.js';
import type { AnyOperation } from './types.js';
import { groupOp, userOp } from './user.js';
import { waitForOp } from './wait-for.js';

/** Every operation, by name (built-ins plus those added with registerOperation). */
export const operations: Record<string, AnyOperation> = Object.fromEntries(
  [
    commandOp,
    shellOp,
    packageOp,
    fileOp,
    copyOp,
    templateOp,
    lineInFileOp,
    blockInFileOp,
    serviceOp,
    selinuxOp,
    sysctlOp,
    userOp,
    groupOp,
    authorizedKeyOp,
    waitForOp,
    configFileOp,
  ].map((op) => [op.name, op]),
);

/** The operation named `name`; InputError (exit 2) for an unknown name. */
export function getOperation(name: string): AnyOperation {
  const op = Object.hasOwn(operations, name) ? operations[name] : undefined;
  if (!op)
    throw new InputError(`unknown operation "${name}" (known: ${Object.keys(operations).sort().join(', ')})`);
  return op;
}

/**
 * Adds an operation (e.g. a TypeScript cluster operation) under its name. Registering the same object again
 * is a no-op; another operation with a taken name is an InputError.
 */
export function registerOperation(op: AnyOperation): void {
  const existing = Object.hasOwn(operations, op.name) ? operations[op.name] : undefined;
  if (existing === op) return;
  if (existing) throw new InputError(`operation "${op.name}" is already registered`);
  if (!/^[a-z][a-z0-9_.-]*$/.test(op.name)) throw new InputError(`invalid operation name "${op.name}"`);
  operations[op.name] = op;
}

export { shq } from '../shell/posix.js';
export { formatFileDiff, unifiedDiff } from './diff.js';
export { PlanError } from './errors.js';
export type { AnyOperation, FactRequest, FactValues, FileDiff, Operation, Plan, Step } from './types.js';
export { factKey } from './types.js';
export { planFileWrite, type WriteSpec } from './write-file.js';
