import { gunzipSync, inflateSync } from "node:zlib";
import { xz } from "@napi-rs/lzma";
import { decompressFrameSync } from "lz4-napi";
import Bunzip from "seek-bzip";
import { PickleError } from "./errors.js";
import { decodeLzmaAlone } from "./lzma-alone.js";

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

function corrupt(compression: Compression, why: string, cause?: unknown): PickleError {
  return new PickleError(`corrupt ${compression}-compressed joblib file: ${why}`, { cause });
}

function tooBig(compression: Compression, maxBytes: number): PickleError {
  return new PickleError(`${compression}-compressed joblib file expands past the limit of ${maxBytes} bytes`);
}

/**
 * Decompresses a whole joblib file without letting it expand past `maxBytes`: zlib/gzip/bz2/lzma stop
 * while decoding; xz and lz4 are bounded before decoding from the sizes their containers declare.
 */
export function decompress(bytes: Uint8Array, compression: Compression, maxBytes: number): Uint8Array {
  try {
    switch (compression) {
      case "zlib":
        return inflateSync(bytes, { maxOutputLength: maxBytes });
      case "gzip":
        return gunzipSync(bytes, { maxOutputLength: maxBytes });
      case "bz2":
        return bunzip(bytes, maxBytes);
      case "xz":
        if (xzDeclaredSize(bytes) > maxBytes) throw tooBig(compression, maxBytes);
        return xz.decompressSync(bytes);
      case "lzma":
        // Python writes the .lzma ("alone") header with an unknown size: our decoder stops at the limit
        return decodeLzmaAlone(bytes, maxBytes, () => tooBig(compression, maxBytes));
      case "lz4":
        if (lz4FrameBound(bytes) > maxBytes) throw tooBig(compression, maxBytes);
        return decompressFrameSync(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    }
  } catch (e) {
    if (e instanceof PickleError) throw e;
    if ((e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") throw tooBig(compression, maxBytes);
    throw corrupt(compression, e instanceof Error ? e.message : String(e), e);
  }
}

/** seek-bzip decodes through byte streams: ours stop at the end of the input and at the size limit. */
function bunzip(bytes: Uint8Array, maxBytes: number): Uint8Array {
  let out = new Uint8Array(Math.min(maxBytes, Math.max(1024, bytes.length * 4)));
  let written = 0;
  let pos = 0;
  const ended = () => corrupt("bz2", `data ends at byte ${bytes.length}`);
  const reserve = (n: number) => {
    if (written + n <= out.length) return;
    if (written + n > maxBytes) throw tooBig("bz2", maxBytes);
    const grown = new Uint8Array(Math.min(maxBytes, Math.max(written + n, out.length * 2)));
    grown.set(out.subarray(0, written));
    out = grown;
  };
  const input = {
    readByte: () => {
      if (pos >= bytes.length) throw ended();
      return bytes[pos++];
    },
    read: (buffer: Uint8Array, offset: number, length: number) => {
      if (pos >= bytes.length) throw ended();
      const n = Math.min(length, bytes.length - pos);
      buffer.set(bytes.subarray(pos, pos + n), offset);
      pos += n;
      return n;
    },
    seek: (p: number) => {
      pos = p;
    },
    eof: () => pos >= bytes.length,
  };
  const output = {
    writeByte: (b: number) => {
      reserve(1);
      out[written++] = b;
    },
    write: (buffer: Uint8Array, offset: number, length: number) => {
      reserve(length);
      out.set(buffer.subarray(offset, offset + length), written);
      written += length;
      return length;
    },
  };
  Bunzip.decode(input, output, true);
  return out.subarray(0, written);
}

/** Reads an xz multibyte integer (7 bits a byte, little end first). */
function xzVarint(bytes: Uint8Array, at: { pos: number }, end: number): number {
  let value = 0;
  for (let i = 0; i < 9; i++) {
    if (at.pos >= end) throw corrupt("xz", "index ends inside a number");
    const b = bytes[at.pos++];
    value += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) return value;
  }
  throw corrupt("xz", "index number longer than 9 bytes");
}

/**
 * The uncompressed size an xz file declares in its index. Only single-stream files (what Python writes)
 * are accepted, so the index covers every byte the decoder will produce.
 */
function xzDeclaredSize(bytes: Uint8Array): number {
  let end = bytes.length;
  while (
    end >= 4 &&
    bytes[end - 1] === 0 &&
    bytes[end - 2] === 0 &&
    bytes[end - 3] === 0 &&
    bytes[end - 4] === 0
  ) {
    end -= 4; // stream padding
  }
  if (end < 24 || bytes[end - 2] !== 0x59 || bytes[end - 1] !== 0x5a) throw corrupt("xz", "no stream footer");
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const indexSize = (dv.getUint32(end - 8, true) + 1) * 4;
  const indexStart = end - 12 - indexSize;
  if (indexStart < 12 || bytes[indexStart] !== 0) throw corrupt("xz", "bad index position");
  const at = { pos: indexStart + 1 };
  const records = xzVarint(bytes, at, end - 12);
  if (records > indexSize) throw corrupt("xz", "index declares more records than it holds");
  let blocks = 0;
  let total = 0;
  for (let i = 0; i < records; i++) {
    const unpadded = xzVarint(bytes, at, end - 12);
    total += xzVarint(bytes, at, end - 12);
    blocks += Math.ceil(unpadded / 4) * 4;
  }
  if (12 + blocks !== indexStart)
    throw corrupt("xz", "more than one stream, or blocks that do not match the index");
  return total;
}

const LZ4_BLOCK_MAX = [0, 0, 0, 0, 64 * 1024, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024];

/** The most an LZ4 frame can expand to: its block count times its declared maximum block size. */
function lz4FrameBound(bytes: Uint8Array): number {
  if (bytes.length < 7) throw corrupt("lz4", "frame header is truncated");
  const flg = bytes[4];
  const blockMax = LZ4_BLOCK_MAX[(bytes[5] >> 4) & 7];
  if (blockMax === 0) throw corrupt("lz4", "invalid block maximum size");
  const blockChecksum = (flg & 0x10) !== 0;
  let pos = 6 + ((flg & 0x08) !== 0 ? 8 : 0) + ((flg & 0x01) !== 0 ? 4 : 0) + 1;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let bound = 0;
  for (;;) {
    if (pos + 4 > bytes.length)
      throw corrupt("lz4", `frame ends at byte ${bytes.length} inside a block header`);
    const size = dv.getUint32(pos, true) & 0x7fffffff;
    pos += 4;
    if (size === 0) {
      // one frame only (what Python writes), so the bound covers everything the decoder produces
      if (pos + ((flg & 0x04) !== 0 ? 4 : 0) !== bytes.length)
        throw corrupt("lz4", "data after the end of the frame");
      return bound;
    }
    pos += size + (blockChecksum ? 4 : 0);
    bound += blockMax;
  }
}
