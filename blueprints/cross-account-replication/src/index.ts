export * from "./blueprint";
export * from "./model";
export * from "./handover";
