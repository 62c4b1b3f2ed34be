import { decompress, detectCompression } from "./compression.js";
import { type ClassPolicy, makeResolver } from "./globals.js";
import { isOldJoblibCompressed, refuseOldJoblib } from "./joblib.js";
import { defaultLimits, type PickleLimits } from "./limits.js";
import { PickleReader } from "./reader.js";

export { ForbiddenGlobalError, PickleError } from "./errors.js";
export type { ClassPolicy } from "./globals.js";
export type { PickleLimits } from "./limits.js";
export { type RecordField, RecordFields, type RecordLayout } from "./numpy/array.js";

export interface ReadOptions {
  /** Classes (beyond numpy/scipy/builtins data) that may be rebuilt as PyObjects; none by default. */
  readonly classes?: ClassPolicy;
  /** Overrides of the default safety limits. */
  readonly limits?: Partial<PickleLimits>;
}

function limitsFor(bytes: Uint8Array, options: ReadOptions): PickleLimits {
  return { ...defaultLimits(bytes.length), ...options.limits };
}

/**
 * Reads a pickle (protocols 0–5) into plain values (see values.ts). Uncompressed joblib files are pickles
 * too and read the same way. Nothing from the file is executed: globals go through the allow-list.
 * Numeric arrays that are contiguous, native and aligned in the input are views of it (no copy): do not
 * modify `bytes` afterwards.
 */
export function readPickle(bytes: Uint8Array, options: ReadOptions = {}): unknown {
  const limits = limitsFor(bytes, options);
  return new PickleReader(bytes, 0, { resolver: makeResolver(options.classes), limits }).run();
}

/**
 * Reads a joblib file, compressed (zlib, gzip, bz2, lzma, xz, lz4) or not, or a plain pickle: the format is
 * told by the first bytes, so callers need not know which they have.
 */
export function readJoblib(bytes: Uint8Array, options: ReadOptions = {}): unknown {
  if (isOldJoblibCompressed(bytes)) refuseOldJoblib();
  const compression = detectCompression(bytes);
  if (compression === undefined) return readPickle(bytes, options);
  const limits = limitsFor(bytes, options);
  return readPickle(decompress(bytes, compression, limits.maxDecompressedBytes), options);
}
