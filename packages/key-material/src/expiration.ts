import { UsageError } from "./errors";

/** KMS accepts a ValidTo at most this far after the ImportKeyMaterial request. */
export const MAX_VALID_TO_DAYS = 365;

/** How long imported material lives: the ExpirationModel (and ValidTo) sent to ImportKeyMaterial. */
export type KeyMaterialExpiration = { readonly model: "KEY_MATERIAL_DOES_NOT_EXPIRE" } | { readonly model: "KEY_MATERIAL_EXPIRES"; readonly validTo: Date };

/** Material that never expires: the default. */
export const NO_EXPIRY: KeyMaterialExpiration = { model: "KEY_MATERIAL_DOES_NOT_EXPIRE" };

/** ISO-8601 date-time with a time zone (`Z` or `±HH:MM`), seconds and fractions optional. */
const ISO_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

const TIMESTAMP_FIX = "give an ISO-8601 timestamp with a time zone, e.g. 2027-12-31T23:59:59Z";

/**
 * Parses `--valid-to`: an ISO-8601 timestamp with a time zone (the format of the blueprint's
 * `keyMaterial.validTo`), strictly in the future and at most 365 days after `now`, as KMS requires.
 * @throws UsageError naming the problem
 */
export function parseValidTo(text: string, now: Date = new Date()): Date {
  const match = ISO_TIMESTAMP.exec(text);
  if (match === null) throw new UsageError(`--valid-to "${text}" is not an ISO-8601 timestamp with a time zone`, TIMESTAMP_FIX);
  const [, year, month, day, hour, minute, second = "00"] = match;
  const calendar = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  const realDate = calendar.getUTCFullYear() === Number(year) && calendar.getUTCMonth() === Number(month) - 1 && calendar.getUTCDate() === Number(day);
  if (!realDate || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) {
    throw new UsageError(`--valid-to "${text}" is not a real date and time`, TIMESTAMP_FIX);
  }
  const validTo = new Date(text);
  if (Number.isNaN(validTo.getTime())) throw new UsageError(`--valid-to "${text}" is not a valid timestamp`, TIMESTAMP_FIX);
  if (validTo.getTime() <= now.getTime()) {
    throw new UsageError(`--valid-to ${validTo.toISOString()} is in the past`, "give a future time, or --no-expiry for material that does not expire");
  }
  const latest = now.getTime() + MAX_VALID_TO_DAYS * 24 * 60 * 60 * 1000;
  if (validTo.getTime() > latest) {
    throw new UsageError(
      `--valid-to ${validTo.toISOString()} is more than ${MAX_VALID_TO_DAYS} days away; KMS refuses that`,
      `give a time before ${new Date(latest).toISOString()}, or --no-expiry`,
    );
  }
  return validTo;
}

/** The expiration for `--valid-to` / `--no-expiry` (mutually exclusive; neither means no expiry). */
export function expirationFromOptions(validTo: string | undefined, noExpiry: boolean, now: Date = new Date()): KeyMaterialExpiration {
  if (validTo !== undefined && noExpiry) {
    throw new UsageError("--valid-to and --no-expiry conflict", "pass one of them, or neither for material that does not expire");
  }
  return validTo === undefined ? NO_EXPIRY : { model: "KEY_MATERIAL_EXPIRES", validTo: parseValidTo(validTo, now) };
}
