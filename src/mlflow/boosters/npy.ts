import { isModelserveError } from "../../errors.js";
import { AllocationBudget } from "../../pickle/limits.js";
import { arrayFromBytes } from "../../pickle/numpy/array.js";
import { simpleDType } from "../../pickle/numpy/dtype.js";
import type { NDArray } from "../../pickle/values.js";
import { BoosterFormatError } from "./errors.js";

/**
 * A strict reader of numpy's `.npy` files (format versions 1-3) holding a plain (non-structured,
 * non-object) array, as skops stores the arrays of a model. The header is parsed as data, never evaluated.
 */

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export function readNpy(bytes: Uint8Array, file: string): NDArray {
  const fail = (what: string): never => {
    throw new BoosterFormatError(`${file}: not a readable .npy array: ${what}`);
  };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) fail("no \\x93NUMPY magic");
  const major = bytes[6];
  if (major < 1 || major > 3) fail(`format version ${major}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + headerLength > bytes.length) fail("the header runs past the end of the file");
  const header = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(
    bytes.subarray(start, start + headerLength),
  );
  const descr =
    /'descr':\s*'([^']+)'/.exec(header)?.[1] ?? fail(`no plain 'descr' in ${JSON.stringify(header)}`);
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1] ?? fail("no 'fortran_order'");
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? fail("no 'shape'");
  const shape = shapeText
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map((s) => (/^\d+$/.test(s) ? Number(s) : fail(`shape (${shapeText})`)));
  const data = bytes.subarray(start + headerLength);
  try {
    return arrayFromBytes(
      simpleDType(descr),
      shape,
      data,
      fortran === "True",
      new AllocationBudget(data.length * 8 + 1024),
    );
  } catch (e) {
    if (isModelserveError(e)) throw new BoosterFormatError(`${file}: ${e.message}`, { cause: e });
    throw e;
  }
}
