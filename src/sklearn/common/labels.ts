import type { NDArray, NumericStorage } from "../../pickle/values.js";
import { isNDArray } from "./convert.js";
import { EstimatorStateError } from "./errors.js";
import { loadKernel } from "./wasm.js";

type TypedCtor = { new (n: number): NumericStorage };

/** wasm/binary_labels.wat: one label or the other by a comparison, without a branch per value. */
const binaryLabels = loadKernel("binary_labels");
const select = binaryLabels.exports.select as (
  values: number,
  n: number,
  threshold: number,
  width: number,
  first: bigint,
  second: bigint,
  out: number,
) => void;
/** Values per select call: 64 KB in, at most 64 KB out. */
const SELECT_CHUNK = 8192;
/** Fewer values go through take(): the kernel call's set-up (views, BigInt labels) costs more than it saves. */
const SELECT_MIN = 256;

/** The bits of `src[index]` as the low bytes of an int64 (both little-endian). */
function labelBits(src: NumericStorage, index: number): bigint {
  const width = src.BYTES_PER_ELEMENT;
  const bytes = new Uint8Array(8);
  bytes.set(new Uint8Array(src.buffer, src.byteOffset + index * width, width));
  return new BigInt64Array(bytes.buffer)[0];
}

/**
 * Copies `from[idx[i]]` to `to[i]` for unsigned integer views of the labels: a label of any numeric dtype is
 * copied as its bits, so floats keep every bit and 64-bit integers never become BigInts. One function per
 * view type keeps each loop monomorphic, whatever mix of label dtypes a process serves.
 */
function gather8(from: Uint8Array, to: Uint8Array, idx: Int32Array): void {
  for (let i = 0; i < idx.length; i++) to[i] = from[idx[i]];
}

function gather16(from: Uint16Array, to: Uint16Array, idx: Int32Array): void {
  for (let i = 0; i < idx.length; i++) to[i] = from[idx[i]];
}

function gather32(from: Int32Array, to: Int32Array, idx: Int32Array): void {
  for (let i = 0; i < idx.length; i++) to[i] = from[idx[i]];
}

/** 8-byte labels as pairs of 32-bit words. */
function gather64(from: Int32Array, to: Int32Array, idx: Int32Array): void {
  for (let i = 0; i < idx.length; i++) {
    const k = 2 * idx[i];
    to[2 * i] = from[k];
    to[2 * i + 1] = from[k + 1];
  }
}

function gatherValues(from: readonly unknown[], idx: Int32Array): unknown[] {
  const out = new Array<unknown>(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = from[idx[i]];
  return out;
}

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
    const idx = indices instanceof Int32Array ? indices : Int32Array.from(indices);
    const src = this.array.data;
    const shape = [idx.length];
    if (Array.isArray(src)) return { dtype: this.array.dtype, shape, data: gatherValues(src, idx) };
    const out = new (src.constructor as TypedCtor)(idx.length);
    const { buffer, byteOffset, length } = src;
    switch (src.BYTES_PER_ELEMENT) {
      case 1:
        gather8(new Uint8Array(buffer, byteOffset, length), new Uint8Array(out.buffer), idx);
        break;
      case 2:
        gather16(new Uint16Array(buffer, byteOffset, length), new Uint16Array(out.buffer), idx);
        break;
      case 4:
        gather32(new Int32Array(buffer, byteOffset, length), new Int32Array(out.buffer), idx);
        break;
      default:
        gather64(new Int32Array(buffer, byteOffset, 2 * length), new Int32Array(out.buffer), idx);
    }
    return { dtype: this.array.dtype, shape, data: out };
  }

  /**
   * `classes_[(values > threshold).astype(int)]` for two classes: the second label where the value is above the
   * threshold, the first elsewhere (NaN included), e.g. LinearClassifierMixin.predict with threshold 0.
   */
  takeAbove(values: Float64Array, threshold: number): NDArray {
    if (this.length < 2) throw new EstimatorStateError(`classes_ has ${this.length} label(s), expected 2`);
    const src = this.array.data;
    const n = values.length;
    if (Array.isArray(src) || n < SELECT_MIN) {
      const idx = new Int32Array(n);
      for (let i = 0; i < n; i++) idx[i] = values[i] > threshold ? 1 : 0;
      return this.take(idx);
    }
    const width = src.BYTES_PER_ELEMENT;
    const out = new (src.constructor as TypedCtor)(n);
    const outBytes = new Uint8Array(out.buffer);
    const first = labelBits(src, 0);
    const second = labelBits(src, 1);
    const chunk = Math.min(n, SELECT_CHUNK);
    const memory = binaryLabels.reserve(chunk * (8 + width));
    const valuesIn = new Float64Array(memory, 0, chunk);
    for (let i0 = 0; i0 < n; i0 += chunk) {
      const m = Math.min(chunk, n - i0);
      valuesIn.set(values.subarray(i0, i0 + m));
      select(0, m, threshold, width, first, second, chunk * 8);
      outBytes.set(new Uint8Array(memory, chunk * 8, m * width), i0 * width);
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
