export * from "./alias";
