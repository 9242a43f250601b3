import { COMPONENT_OPS } from '../components/index.js';
import { batchFactCommand, getFact, parseFactBatch } from '../facts/index.js';
import { operations, registerOperation } from '../ops/index.js';
import type { FactRequest, Operation } from '../ops/types.js';
import type { OpCatalog } from '../playbook/load.js';
import type { FactSource } from './fact-cache.js';

for (const op of COMPONENT_OPS) registerOperation(op);

/** The ops registry (src/ops) as the playbook loader and executor see it; registerOperation() adds to it. */
export const registryOps: OpCatalog = {
  get: (name) => (Object.hasOwn(operations, name) ? (operations[name] as Operation<unknown>) : undefined),
  names: () => Object.keys(operations),
};

/** The facts registry (src/facts): one batched command per round trip. */
export const registryFacts: FactSource = {
  command: (reqs) => batchFactCommand(reqs),
  parse: (reqs, stdout) => parseFactBatch(reqs, stdout),
  needsBecome: (reqs) => reqs.some((r) => getFact(r.fact).become === true),
};

/** Gathered for every host in preflight; visible as `facts.os`, `facts.init`, `facts.package_manager`. */
export const BASE_FACTS: FactRequest[] = [{ fact: 'os' }, { fact: 'init' }, { fact: 'package_manager' }];
