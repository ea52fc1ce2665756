export * from "./plan";
export * from "./access";
