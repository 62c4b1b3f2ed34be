import type { DType } from "../../pickle/values.js";

/** numpy's little-endian dtype of `kind` and `itemsize` (as numpy on x86 writes it). */
export function numpyDType(kind: DType["kind"], itemsize: number): DType {
  const byteorder = itemsize === 1 || kind === "O" ? "|" : "<";
  return { kind, itemsize, byteorder, str: `${byteorder}${kind}${itemsize}` };
}

/** The dtypes estimators produce (little-endian, as numpy on x86 writes them). */
export const FLOAT64: DType = numpyDType("f", 8);
export const FLOAT32: DType = numpyDType("f", 4);
export const INT64: DType = numpyDType("i", 8);
export const INT32: DType = numpyDType("i", 4);
export const BOOL: DType = numpyDType("b", 1);
export const OBJECT: DType = numpyDType("O", 8);
