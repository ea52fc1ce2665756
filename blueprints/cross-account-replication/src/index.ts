// What the catalog and a fork's users need: the blueprint (registered in apps/catalog/src/blueprints.ts),
// its construct, and its configuration schema and types. Everything else is the blueprint's own.
export { blueprint } from "./blueprint";
export { CrossAccountReplicationBlueprint, type CrossAccountReplicationBlueprintProps } from "./construct";
export { CrossAccountReplicationConfigSchema, type CrossAccountReplicationConfig, type CrossAccountReplicationConfigInput } from "./config";
