export * from "./lock";
/** moveFrom lives with the other construct helpers in @sse-kms/construct-kit; re-exported here for existing imports. */
export { moveFrom } from "@sse-kms/construct-kit";
