export * from "./primitives";
export * from "./key";
export * from "./bucket";
export * from "./backend";
export * from "./environment";
export * from "./validate";
export * from "./json-schema";
