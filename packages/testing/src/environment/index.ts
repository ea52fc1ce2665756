export * from "./derived";
export * from "./normalize";
export * from "./suite";
