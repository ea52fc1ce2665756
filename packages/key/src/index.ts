export * from "./key";
export * from "./existing-key";
