export { didYouMean } from './did-you-mean.js';
export { inventoryJsonSchema, SCHEMA_ID } from './json-schema.js';
export * from './load.js';
export * from './model.js';
export * from './schema.js';
export { allowedKeysAt } from './schema-walk.js';
export type { SecretRef } from './secret.js';
export {
  isSecretRef,
  resolveSecret,
  resolveSecretBytes,
  SecretError,
  SecretMasker,
  secretRef,
} from './secret.js';
export type { PathKey } from './yaml-source.js';
export { formatPath, YamlSource, zodIssuesToDiagnostics } from './yaml-source.js';
