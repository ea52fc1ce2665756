export * from "./lock";
/** moveFrom lives with the other construct helpers in @sse-kms/config; re-exported here for existing imports. */
export { moveFrom } from "@sse-kms/config";
