export * from "./catalog";
export * from "./app";
export * from "./synth";
