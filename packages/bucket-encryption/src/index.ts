export * from "./bucket";
