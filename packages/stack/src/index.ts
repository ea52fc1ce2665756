export * from "./stack";
export * from "./blueprint";
export * from "./key-with-buckets";
