export * from "./plan";
export * from "./access";
export * from "./kit";
export * from "./terraform";
export * from "./validation-rows";
