export * from "./plan";
export * from "./access";
export * from "./terraform";
