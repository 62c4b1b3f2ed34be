import type { DType, NDArray } from "../../pickle/values.js";
import { FLOAT64, INT32, INT64 } from "./dtypes.js";

/** A dense row-major float64 matrix: the working form of X and of 2-D fitted attributes. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

export function matrix(
  rows: number,
  cols: number,
  data: Float64Array = new Float64Array(rows * cols),
): Matrix {
  if (data.length !== rows * cols) {
    throw new RangeError(`matrix data has ${data.length} values, expected ${rows}×${cols}`);
  }
  return { rows, cols, data };
}

function checkSize(shape: readonly number[], length: number): void {
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== length) throw new RangeError(`array of shape [${shape}] needs ${size} values, got ${length}`);
}

/** A float64 NDArray (numpy's `<f8`), e.g. predictions of a regressor or probabilities. */
export function float64Array(data: Float64Array, shape: readonly number[] = [data.length]): NDArray {
  checkSize(shape, data.length);
  return { dtype: FLOAT64, shape: [...shape], data };
}

/** A Matrix as a 2-D float64 NDArray, or as 1-D when `ravel` (scikit-learn's `.ravel()` of a single column). */
export function matrixToArray(m: Matrix, ravel = false): NDArray {
  return float64Array(m.data, ravel ? [m.rows * m.cols] : [m.rows, m.cols]);
}

/** An int64 NDArray (numpy's default integer, `<i8`). */
export function int64Array(values: ArrayLike<number>, shape: readonly number[] = [values.length]): NDArray {
  checkSize(shape, values.length);
  const data = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = BigInt(values[i]);
  return { dtype: INT64, shape: [...shape], data };
}

/** An int32 NDArray (`<i4`), what scikit-learn's Cython code returns for cluster labels. */
export function int32Array(values: ArrayLike<number>, shape: readonly number[] = [values.length]): NDArray {
  checkSize(shape, values.length);
  return { dtype: INT32, shape: [...shape], data: Int32Array.from(values) };
}

/** An NDArray of any dtype whose data the caller already built in the storage that dtype uses. */
export function ndarray(dtype: DType, data: NDArray["data"], shape: readonly number[]): NDArray {
  checkSize(shape, data.length);
  return { dtype, shape: [...shape], data };
}
