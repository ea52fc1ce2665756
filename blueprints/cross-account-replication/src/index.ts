export * from "./blueprint";
export * from "./config";
export * from "./model";
export * from "./handover";
export * from "./definition";
