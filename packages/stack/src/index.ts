export * from "./stack";
export * from "./blueprint";
