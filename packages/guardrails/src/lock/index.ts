export * from "./lock";
export * from "./moved";
