export * from "./blueprint";
