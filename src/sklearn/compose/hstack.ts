import type { NDArray } from "../../pickle/values.js";
import { OBJECT_DTYPE } from "../common/columns.js";
import { FLOAT64 } from "../common/index.js";

/** The 2-D form of an output: a 1-D result (a vectorizer's single column…) is one column. */
function as2d(a: NDArray): { rows: number; cols: number } {
  return a.shape.length === 1 ? { rows: a.shape[0], cols: 1 } : { rows: a.shape[0], cols: a.shape[1] };
}

function isNumeric(a: NDArray): boolean {
  return !Array.isArray(a.data) && a.dtype.kind !== "O";
}

/**
 * numpy's `hstack` of transformer outputs, as ColumnTransformer and FeatureUnion serve them: float64 when
 * every block is numeric, an object array (values kept) when one holds strings. `weights` scale a block.
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
  return { dtype: numeric ? FLOAT64 : OBJECT_DTYPE, shape: [rows, width], data: out };
}
