export * from "./key-base";
export * from "./key";
export * from "./existing-key";
