// What the catalog and a fork's users need: the blueprint (registered in apps/catalog/src/blueprints.ts),
// its construct, and its configuration schema and types. Everything else is the blueprint's own.
export { blueprint } from "./blueprint";
export { ImportedMaterialBlueprint, type ImportedMaterialBlueprintProps, KEY_MATERIAL_VARIABLE } from "./construct";
export { ImportedMaterialConfigSchema, type ImportedMaterialConfig, type ImportedMaterialConfigInput } from "./config";
