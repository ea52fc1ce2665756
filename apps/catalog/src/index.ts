export * from "./catalog";
export * from "./app";
export * from "./normalize";
export * from "./derived";
export * from "./environment-suite";
