import type { DType } from "../../pickle/values.js";

function simple(kind: DType["kind"], itemsize: number): DType {
  const byteorder = itemsize === 1 || kind === "O" ? "|" : "<";
  return { kind, itemsize, byteorder, str: `${byteorder}${kind}${itemsize}` };
}

/** The dtypes estimators produce (little-endian, as numpy on x86 writes them). */
export const FLOAT64: DType = simple("f", 8);
export const FLOAT32: DType = simple("f", 4);
export const INT64: DType = simple("i", 8);
export const INT32: DType = simple("i", 4);
export const BOOL: DType = simple("b", 1);
export const OBJECT: DType = simple("O", 8);
