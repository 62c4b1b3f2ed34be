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

/** The smallest float dtype holding every value of an integer dtype of `itemsize` bytes (numpy's rule). */
function floatFor(itemsize: number): number {
  return itemsize === 1 ? 2 : itemsize === 2 ? 4 : 8;
}

/**
 * numpy's `promote_types` for bool, integer and float dtypes: the dtype `np.hstack` gives blocks of both.
 * A signed and an unsigned integer meet in a signed one twice as wide (uint64 has none: float64).
 */
export function promoteTypes(a: DType, b: DType): DType {
  if (a.kind === "b") return b;
  if (b.kind === "b") return a;
  if (a.kind === b.kind) return a.itemsize >= b.itemsize ? a : b;
  if (a.kind === "f" || b.kind === "f") {
    const [f, int] = a.kind === "f" ? [a, b] : [b, a];
    return numpyDType("f", Math.max(f.itemsize, floatFor(int.itemsize)));
  }
  const [signed, unsigned] = a.kind === "i" ? [a, b] : [b, a];
  if (unsigned.itemsize < signed.itemsize) return signed;
  return unsigned.itemsize < 8 ? numpyDType("i", unsigned.itemsize * 2) : FLOAT64;
}
