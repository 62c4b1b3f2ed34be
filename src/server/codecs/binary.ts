import { BadRequestError } from "../errors.js";
import type { Datatype, Tensor, TensorData } from "../protocol/tensor.js";
import { DATATYPES, elementCount } from "./datatypes.js";
import { fromHalfBits, toHalfBits } from "./fp16.js";

/**
 * Raw tensor bytes ⇄ Tensor storage: the layout of Triton's binary tensor extension (REST) and of gRPC's
 * raw_input_contents / raw_output_contents. Little-endian, row-major, no padding; BOOL one byte 0/1;
 * BYTES elements each a 4-byte little-endian length followed by the bytes.
 */

// Typed arrays use the host's byte order; the wire is little-endian.
if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error("modelserve's binary tensor codec requires a little-endian host");
}

function copyAligned(bytes: Uint8Array): ArrayBuffer {
  const buffer = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(buffer).set(bytes);
  return buffer;
}

function decodeBytesElements(where: string, count: number, bytes: Uint8Array): Uint8Array[] {
  // every element takes at least its 4-byte length: refuse an impossible count before allocating for it
  if (count * 4 > bytes.byteLength) {
    throw new BadRequestError(
      `${where} (BYTES): ${count} elements need at least ${count * 4} bytes of binary data, got ${bytes.byteLength}`,
    );
  }
  const out = new Array<Uint8Array>(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  for (let i = 0; i < count; i++) {
    if (offset + 4 > bytes.byteLength) {
      throw new BadRequestError(
        `${where} (BYTES): binary data ends before element ${i} of ${count} (each element is a 4-byte length and its bytes)`,
      );
    }
    const length = view.getUint32(offset, true);
    offset += 4;
    if (offset + length > bytes.byteLength) {
      throw new BadRequestError(
        `${where} (BYTES): element ${i} declares ${length} bytes but only ${bytes.byteLength - offset} remain`,
      );
    }
    out[i] = bytes.slice(offset, offset + length);
    offset += length;
  }
  if (offset !== bytes.byteLength) {
    throw new BadRequestError(
      `${where} (BYTES): ${bytes.byteLength - offset} bytes left over after the ${count} elements of the shape`,
    );
  }
  return out;
}

/** Decodes the raw bytes of one tensor; `where` names it in errors ("input 'x'"). */
export function tensorDataFromBytes(
  where: string,
  datatype: Datatype,
  shape: readonly number[],
  bytes: Uint8Array,
): TensorData {
  const count = elementCount(shape);
  if (datatype === "BYTES") return decodeBytesElements(where, count, bytes);
  const size = DATATYPES[datatype].size;
  if (bytes.byteLength !== count * size) {
    throw new BadRequestError(
      `${where} (${datatype}): shape [${shape.join(", ")}] needs ${count * size} bytes of binary data, got ${bytes.byteLength}`,
    );
  }
  switch (datatype) {
    case "BOOL": {
      const out = bytes.slice();
      for (let i = 0; i < out.length; i++) {
        if (out[i] > 1) {
          throw new BadRequestError(`${where} (BOOL): byte ${i} is ${out[i]}, expected 0 or 1`);
        }
      }
      return out;
    }
    case "UINT8":
      return bytes.slice();
    case "INT8":
      return new Int8Array(copyAligned(bytes));
    case "UINT16":
      return new Uint16Array(copyAligned(bytes));
    case "INT16":
      return new Int16Array(copyAligned(bytes));
    case "UINT32":
      return new Uint32Array(copyAligned(bytes));
    case "INT32":
      return new Int32Array(copyAligned(bytes));
    case "UINT64":
      return new BigUint64Array(copyAligned(bytes));
    case "INT64":
      return new BigInt64Array(copyAligned(bytes));
    case "FP16": {
      const halves = new Uint16Array(copyAligned(bytes));
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = fromHalfBits(halves[i]);
      return out;
    }
    case "FP32":
      return new Float32Array(copyAligned(bytes));
    case "FP64":
      return new Float64Array(copyAligned(bytes));
  }
}

function encodeBytesElements(elements: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const e of elements) total += 4 + e.byteLength;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const e of elements) {
    view.setUint32(offset, e.byteLength, true);
    out.set(e, offset + 4);
    offset += 4 + e.byteLength;
  }
  return out;
}

/** The raw little-endian bytes of a tensor (a view, not a copy, where the storage allows). */
export function tensorToBytes(tensor: Tensor): Uint8Array {
  const data = tensor.data;
  if (Array.isArray(data)) return encodeBytesElements(data);
  if (tensor.datatype === "FP16") {
    const halves = new Uint16Array(data.length);
    const floats = data as Float32Array;
    for (let i = 0; i < floats.length; i++) halves[i] = toHalfBits(floats[i]);
    return new Uint8Array(halves.buffer);
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
