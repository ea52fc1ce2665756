export * from "./server";
export * from "./override";
