export * from "./types";
export * from "./context";
export * from "./policy";
export * from "./suppressions";
export * from "./pack";
export * from "./rules";
export * from "./lock";
export * from "./docs";
