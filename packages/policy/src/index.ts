export * from "./document";
export * from "./actions";
export * from "./arn";
export * from "./key-policy";
export * from "./bucket-policy";
export * from "./replication";
export * from "./references";
export * from "./regions";
