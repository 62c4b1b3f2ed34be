import type { NDArray, NumericStorage } from "../../pickle/values.js";
import { isNDArray } from "./convert.js";
import { EstimatorStateError } from "./errors.js";

type TypedCtor = { new (n: number): NumericStorage };

/**
 * A classifier's `classes_`, turning class indices into the original labels with the original dtype
 * (numpy's `classes_.take(indices)`): ints stay ints of the same width, strings stay strings, bools stay bools.
 */
export class ClassLabels {
  readonly array: NDArray;

  constructor(classes: unknown, owner: string) {
    if (!isNDArray(classes) || classes.shape.length !== 1 || classes.data === undefined) {
      throw new EstimatorStateError(`${owner}.classes_ must be a 1-D array`);
    }
    this.array = classes;
  }

  get length(): number {
    return this.array.shape[0];
  }

  /** The labels at `indices`, as an NDArray of `classes_`'s dtype and shape [indices.length]. */
  take(indices: ArrayLike<number>): NDArray {
    const src = this.array.data;
    const n = indices.length;
    if (Array.isArray(src)) {
      const out = new Array<unknown>(n);
      for (let i = 0; i < n; i++) out[i] = src[indices[i]];
      return { dtype: this.array.dtype, shape: [n], data: out };
    }
    const out = new (src.constructor as TypedCtor)(n);
    if (out instanceof BigInt64Array || out instanceof BigUint64Array) {
      // 64-bit labels copied as pairs of 32-bit words: reading an element would allocate a BigInt
      const from = new Int32Array(src.buffer, src.byteOffset, 2 * src.length);
      const to = new Int32Array(out.buffer);
      for (let i = 0; i < n; i++) {
        const k = 2 * indices[i];
        to[2 * i] = from[k];
        to[2 * i + 1] = from[k + 1];
      }
    } else {
      for (let i = 0; i < n; i++) (out as unknown as unknown[])[i] = src[indices[i]];
    }
    return { dtype: this.array.dtype, shape: [n], data: out };
  }

  /** The labels as plain values (numbers, bigints, strings, booleans for |b1). */
  values(): unknown[] {
    const src = this.array.data;
    const vals = Array.from(src as ArrayLike<unknown>);
    return this.array.dtype.kind === "b" ? vals.map((v) => v === 1 || v === true) : vals;
  }
}
