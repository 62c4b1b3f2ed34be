import type { NDArray } from "../../pickle/values.js";
import { BadRequestError } from "../../server/errors.js";
import { isNumeric } from "../arrays.js";
import type { PyfuncInput } from "../pyfunc.js";

/**
 * The rows a booster predicts on: a dense row-major float64 matrix with NaN for missing values, built
 * from a pyfunc input the way each library reads a DataFrame or an array. xgboost (validate_features, as
 * mlflow's wrapper asks) matches a frame's column names against the booster's feature names, in order;
 * LightGBM reads columns by position and only checks their count.
 */
export interface FeatureRows {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

export interface FeatureLayout {
  /** the library, for messages ("xgboost", "LightGBM") */
  readonly library: string;
  /** how many features the model reads */
  readonly count: number;
  /** when set, a frame's columns must be exactly these names, in this order (xgboost's validate_features) */
  readonly names: readonly string[] | null;
}

/** Copies a numeric array's values as float64 into `out` at `offset`, `stride` apart. */
function copyNumbers(a: NDArray, out: Float64Array, offset: number, stride: number): void {
  const data = a.data;
  for (let i = 0; i < data.length; i++) out[offset + i * stride] = Number(data[i]);
}

function nameList(names: readonly string[]): string {
  return names.length > 12
    ? `[${names.slice(0, 12).join(", ")}, … (${names.length})]`
    : `[${names.join(", ")}]`;
}

function checkNames(columns: readonly string[], layout: FeatureLayout): void {
  const expected = layout.names;
  if (expected === null) return;
  if (columns.length === expected.length && columns.every((c, i) => c === expected[i])) return;
  const missing = expected.filter((n) => !columns.includes(n));
  const extra = columns.filter((n) => !expected.includes(n));
  const why =
    missing.length + extra.length === 0
      ? "the same names in another order"
      : [
          missing.length > 0 ? `missing ${nameList(missing)}` : "",
          extra.length > 0 ? `unexpected ${nameList(extra)}` : "",
        ]
          .filter((s) => s !== "")
          .join(", ");
  throw new BadRequestError(
    `${layout.library} feature_names mismatch: the model expects columns ${nameList(expected)}, the input has ${nameList(columns)} (${why})`,
  );
}

function checkCount(got: number, layout: FeatureLayout): void {
  if (got !== layout.count) {
    throw new BadRequestError(
      `the ${layout.library} model reads ${layout.count} features, the input has ${got} columns`,
    );
  }
}

export function featureRows(input: PyfuncInput, layout: FeatureLayout): FeatureRows {
  if (input.kind === "frame") {
    checkNames(
      input.columns.map((c) => c.name),
      layout,
    );
    checkCount(input.columns.length, layout);
    const cols = input.columns.length;
    const data = new Float64Array(input.rows * cols);
    input.columns.forEach(({ name, values }, j) => {
      if (!isNumeric(values)) {
        throw new BadRequestError(
          `column '${name}' has dtype ${values.dtype.str}; ${layout.library} takes numbers (int, float or bool columns)`,
        );
      }
      copyNumbers(values, data, j, cols);
    });
    return { rows: input.rows, cols, data };
  }
  if (input.kind === "array") {
    const { array } = input;
    if (layout.names !== null) {
      // as xgboost's validate_features: an unnamed array cannot show it holds the named features
      throw new BadRequestError(
        `the ${layout.library} model has feature names ${nameList(layout.names)}; send a table (dataframe_split, dataframe_records or content type pd), not an unnamed array`,
      );
    }
    if (array.shape.length !== 2 || !isNumeric(array)) {
      throw new BadRequestError(
        `${layout.library} takes a 2-D numeric array (rows × features), got shape [${array.shape}] of dtype ${array.dtype.str}`,
      );
    }
    checkCount(array.shape[1], layout);
    const data = new Float64Array(array.data.length);
    copyNumbers(array, data, 0, 1);
    return { rows: array.shape[0], cols: array.shape[1], data };
  }
  throw new BadRequestError(
    `${layout.library} takes a table or one 2-D array, not named arrays (${Object.keys(input.arrays).join(", ")})`,
  );
}
