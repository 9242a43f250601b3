/**
 * The inventory's vocabulary, below every component: the shared value types and the node/SSH schemas, secret
 * references and the masker, and what semantic checks report. Imports only zod (no I/O).
 */
export { didYouMean, editDistance } from './did-you-mean.js';
export { type Finding, Findings, type PathKey } from './findings.js';
export * from './ip.js';
export * from './node-lookup.js';
export * from './node-schema.js';
export * from './primitives.js';
export { SecretMasker } from './secret-masker.js';
export { isSecretRef, SECRET_REF, type SecretRef, secretRef } from './secret-ref.js';
export * from './ssh.js';
