export { type JsonValue, type JsonArray, type JsonObject, isJsonObject } from "./json";
export * from "./model";
export * from "./errors";
export * from "./read";
export * from "./paths";
export * from "./query";
export * from "./partial";
export * from "./matchers";
