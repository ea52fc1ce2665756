export * from "./blueprint";
export * from "./config";
export * from "./definition";
export * from "./handover";
