export * from "./catalog";
export * from "./app";
export * from "./normalize";
export * from "./environment-suite";
