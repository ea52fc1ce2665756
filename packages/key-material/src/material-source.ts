/** Where the plaintext key material comes from. */
export type MaterialSource =
  /** An existing file of exactly 32 raw bytes (`--material <file>`). */
  | { readonly kind: "file"; readonly path: string }
  /** Fresh CSPRNG bytes, saved to a new file with mode 0600 (`--generate --material-out <file>`). */
  | { readonly kind: "generate"; readonly outPath: string };
