export * from "./discover";
export * from "./session";
export * from "./prior-state";
export * from "./tier";
