export * from "./bucket";
export * from "./release";
