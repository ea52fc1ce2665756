import { closeSync, constants, fstatSync, lstatSync, fsyncSync, openSync, readSync, statSync, unlinkSync, writeSync } from "node:fs";
import { CliError, errnoCode } from "./errors";

/** Permissions of a file holding plaintext key material: owner read/write only. */
export const SECRET_FILE_MODE = 0o600;
/** Permissions of a file holding only ciphertext (wrapped material). */
export const PUBLIC_FILE_MODE = 0o644;

/** A human explanation of a file-system error code. */
function describeErrno(code: string | undefined): string {
  switch (code) {
    case "ENOENT":
      return "no such file or directory";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "it is a directory";
    case "ENOTDIR":
      return "a parent is not a directory";
    case "ENOSPC":
      return "no space left on device";
    case "EROFS":
      return "read-only file system";
    default:
      return code ?? "unknown error";
  }
}

/**
 * Refuses, before anything is written, when `path` already exists (file, directory or dangling
 * link): the CLI never overwrites.
 * @param flag the option that named the path, for the message (e.g. `--out`)
 */
export function assertPathFree(path: string, flag: string): void {
  if (pathExists(path)) {
    throw new CliError(`refusing to overwrite ${path} (${flag}): it already exists`, `choose a new path for ${flag}, or move the existing file away yourself`);
  }
}

/** True when something (even a dangling symbolic link) exists at `path`. */
function pathExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Creates `path` with `data`, never over an existing file (flag `wx`), with `mode`, and fsyncs it
 * before returning, so material written here survives a crash right after. A partially written
 * file is removed before the error is thrown.
 * @param flag the option that named the path, for messages
 */
export function writeNewFile(path: string, data: Uint8Array, mode: number, flag: string): void {
  let fd: number;
  try {
    fd = openSync(path, "wx", mode);
  } catch (e) {
    const code = errnoCode(e);
    if (code === "EEXIST") {
      throw new CliError(
        `refusing to overwrite ${path} (${flag}): it already exists`,
        `choose a new path for ${flag}, or move the existing file away yourself`,
      );
    }
    throw new CliError(`cannot create ${path} (${flag}): ${describeErrno(code)}`, "check that the directory exists and is writable");
  }
  let complete = false;
  try {
    let offset = 0;
    while (offset < data.length) offset += writeSync(fd, data, offset, data.length - offset);
    fsyncSync(fd);
    complete = true;
  } catch (e) {
    throw new CliError(`cannot write ${path} (${flag}): ${describeErrno(errnoCode(e))}`, "check free space and permissions, then run again");
  } finally {
    closeSync(fd);
    if (!complete) removeFile(path);
  }
}

/** Deletes a file this CLI created; true if it is gone afterwards. Never throws. */
export function removeFile(path: string): boolean {
  try {
    unlinkSync(path);
    return true;
  } catch (e) {
    return errnoCode(e) === "ENOENT";
  }
}

/**
 * Reads a whole regular file of at most `maxBytes` into a fresh (unpooled) buffer the caller owns
 * and may zero.
 * @param what how messages name the file, e.g. `material file` or `wrapping key file`
 * @param flag the option that named the path
 * @param onSize called with the file size before reading; may throw to refuse the file unread
 */
export function readSmallFile(path: string, what: string, flag: string, maxBytes: number, onSize?: (size: number) => void): Buffer {
  let fd: number;
  try {
    // stat before open: opening a FIFO for reading blocks until a writer comes (the CLI would hang),
    // and a device such as /dev/zero never ends. O_NONBLOCK covers a swap between stat and open.
    if (!statSync(path).isFile()) {
      throw new CliError(`cannot read ${what} ${path} (${flag}): not a regular file (a FIFO, device, socket or directory)`, `pass a regular file to ${flag}`);
    }
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`cannot read ${what} ${path} (${flag}): ${describeErrno(errnoCode(e))}`, `check the path given to ${flag}`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) {
      throw new CliError(`cannot read ${what} ${path} (${flag}): not a regular file`, `pass a file to ${flag}`);
    }
    onSize?.(stat.size);
    if (stat.size > maxBytes) {
      throw new CliError(`${what} ${path} (${flag}) is ${stat.size} bytes, more than the ${maxBytes} expected`, `check the path given to ${flag}`);
    }
    const buffer = Buffer.alloc(stat.size);
    let offset = 0;
    try {
      while (offset < buffer.length) {
        const n = readSync(fd, buffer, offset, buffer.length - offset, offset);
        if (n === 0) break;
        offset += n;
      }
    } catch (e) {
      buffer.fill(0);
      throw new CliError(`cannot read ${what} ${path} (${flag}): ${describeErrno(errnoCode(e))}`, `check the file given to ${flag}`);
    }
    if (offset !== buffer.length) {
      buffer.fill(0);
      throw new CliError(`${what} ${path} (${flag}) changed while it was read`, "make sure nothing else writes it, then run again");
    }
    return buffer;
  } finally {
    closeSync(fd);
  }
}
