// What the catalog and a fork's users need: the blueprint (registered in apps/catalog/src/blueprints.ts),
// its construct, and its configuration schema and types. Everything else is the blueprint's own.
export { blueprint } from "./blueprint";
export { CustomerManagedKeyBlueprint, type CustomerManagedKeyBlueprintProps } from "./construct";
export { CustomerManagedConfigSchema, type CustomerManagedConfig, type CustomerManagedConfigInput } from "./config";
