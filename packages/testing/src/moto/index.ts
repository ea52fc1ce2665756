export * from "./server";
export * from "./override";
export * from "./lifecycle";
