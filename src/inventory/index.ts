/**
 * Loading an inventory: YAML with source positions, schema and semantic checks (composed from the component
 * folders), did-you-mean suggestions, secret resolution. Re-exports the model so callers import from one place.
 */
export { effectiveTwoNode } from '../components/corosync/quorum.js';
export { galeraMembers } from '../components/galera/members.js';
export { semanticChecks } from '../components/inventory-checks.js';
export { type Inventory, type InventoryInput, inventorySchema } from '../components/inventory-schema.js';
export { pacemakerIds } from '../components/pacemaker/ids.js';
export type { Resource } from '../components/pacemaker/schema.js';
export * from '../model/index.js';
export { inventoryJsonSchema, SCHEMA_ID } from './json-schema.js';
export * from './load.js';
export { allowedKeysAt } from './schema-walk.js';
export { resolveSecret, resolveSecretBytes, SecretError } from './secret.js';
export { formatPath, YamlSource, zodIssuesToDiagnostics } from './yaml-source.js';
