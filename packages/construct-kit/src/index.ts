export * from "./construct-error";
export * from "./pin-address";
export * from "./moved";
export * from "./imported";
export * from "./removed";
export * from "./creation-stacks";
