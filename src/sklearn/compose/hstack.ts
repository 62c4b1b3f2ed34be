import type { DType, NDArray } from "../../pickle/values.js";
import { OBJECT_DTYPE } from "../common/columns.js";
import { castFloat64 } from "../common/dtype_param.js";
import { promoteTypes } from "../common/dtypes.js";
import { FLOAT64 } from "../common/index.js";

/** The 2-D form of an output: a 1-D result (a vectorizer's single column…) is one column. */
function as2d(a: NDArray): { rows: number; cols: number } {
  return a.shape.length === 1 ? { rows: a.shape[0], cols: 1 } : { rows: a.shape[0], cols: a.shape[1] };
}

function isNumeric(a: NDArray): boolean {
  return !Array.isArray(a.data) && a.dtype.kind !== "O";
}

/** A weighted block's dtype: `block * weight` with a Python float weight is float64, float32 stays float32. */
function weightedDType(b: NDArray, weight: number): DType {
  return weight === 1 || (b.dtype.kind === "f" && b.dtype.itemsize === 4) ? b.dtype : FLOAT64;
}

/**
 * numpy's `hstack` of transformer outputs, as ColumnTransformer and FeatureUnion serve them: numeric blocks
 * promoted to their common dtype (int8 and int64 encoders give int64, any float block gives a float), an
 * object array (values kept) when one holds strings. `weights` scale a block.
 */
export function hstack(blocks: readonly NDArray[], rows: number, weights?: readonly number[]): NDArray {
  const dims = blocks.map(as2d);
  const width = dims.reduce((a, d) => a + d.cols, 0);
  const numeric = blocks.every(isNumeric);
  const out: Float64Array | unknown[] = numeric
    ? new Float64Array(rows * width)
    : new Array<unknown>(rows * width);
  let offset = 0;
  blocks.forEach((b, k) => {
    const { cols } = dims[k];
    const w = weights?.[k] ?? 1;
    const src = b.data as ArrayLike<unknown>;
    const bool = b.dtype.kind === "b";
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        let v = src[i * cols + j];
        if (typeof v === "bigint") v = Number(v);
        if (bool) v = numeric ? Number(v) : v === 1 || v === true;
        if (w !== 1 && typeof v === "number") v *= w;
        out[i * width + offset + j] = numeric ? Number(v) : v;
      }
    }
    offset += cols;
  });
  if (!numeric) return { dtype: OBJECT_DTYPE, shape: [rows, width], data: out };
  // no blocks at all (every column dropped) is scikit-learn's float64 np.zeros((n, 0))
  if (blocks.length === 0) return { dtype: FLOAT64, shape: [rows, 0], data: new Float64Array(0) };
  const dtype = blocks.map((b, k) => weightedDType(b, weights?.[k] ?? 1)).reduce(promoteTypes);
  return castFloat64(out as Float64Array, dtype, [rows, width]);
}
