export { findBinary, type ProcResult, runProcess } from './exec.js';
export { describeNetwork, type Isolation, isolatedArgv, type NodeNetwork, probeIsolation } from './netns.js';
export { summarize, validateFiles } from './run.js';
export * from './types.js';
export { cleanOutput, type ValidatorSpec, validatorFor, wrapCib } from './validators.js';
