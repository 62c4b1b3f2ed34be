import { gunzipSync, inflateSync } from "node:zlib";
import { PickleError } from "./errors.js";

/** The compressions joblib.dump can write, recognised by their magic bytes (joblib's compressor.py). */
export type Compression = "zlib" | "gzip" | "bz2" | "xz" | "lzma" | "lz4";

const MAGICS: ReadonlyArray<[Compression, readonly number[]]> = [
  ["gzip", [0x1f, 0x8b]],
  ["bz2", [0x42, 0x5a, 0x68]],
  ["xz", [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ["lzma", [0x5d, 0x00, 0x00]],
  ["lz4", [0x04, 0x22, 0x4d, 0x18]],
  ["zlib", [0x78]],
];

export function detectCompression(bytes: Uint8Array): Compression | undefined {
  for (const [name, magic] of MAGICS) {
    if (bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b)) return name;
  }
  return undefined;
}

function fail(compression: Compression, cause: unknown): never {
  const why = cause instanceof Error ? cause.message : String(cause);
  throw new PickleError(`corrupt ${compression}-compressed joblib file: ${why}`, { cause });
}

/** Decompresses a whole joblib file, refusing to expand past `maxBytes`. */
export function decompress(bytes: Uint8Array, compression: Compression, maxBytes: number): Uint8Array {
  const tooBig = () =>
    new PickleError(`${compression}-compressed joblib file expands past the limit of ${maxBytes} bytes`);
  try {
    switch (compression) {
      case "zlib":
        return inflateSync(bytes, { maxOutputLength: maxBytes });
      case "gzip":
        return gunzipSync(bytes, { maxOutputLength: maxBytes });
      default:
        throw new PickleError(`${compression}-compressed joblib files are not supported yet`);
    }
  } catch (e) {
    if (e instanceof PickleError) throw e;
    if ((e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") throw tooBig();
    fail(compression, e);
  }
}
