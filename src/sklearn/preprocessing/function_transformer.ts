import type { NDArray, PyObject } from "../../pickle/values.js";
import { type Columns, columnsMatrix, inputColumns, OBJECT_DTYPE } from "../common/columns.js";
import { FLOAT64, inputMatrix, matrixToArray, State, UnsupportedEstimatorError } from "../common/index.js";
import { hstack } from "../compose/hstack.js";
import type { Input, Table } from "../estimator.js";
import { checkArrayTransform, isCheckArrayPartial } from "./check_array.js";
import { inputEstimator } from "./column_estimator.js";
import { mapCells, registerFitted } from "./transformer.js";
import { elementwise } from "./ufuncs.js";

/** X unchanged as a 2-D array: numbers as float64, anything else as an object array ("passthrough"). */
export function identityTransform(X: Input): NDArray {
  const cols = inputColumns(X, { estimator: "passthrough" });
  const blocks = cols.columns.map(
    (c): NDArray =>
      c instanceof Float64Array
        ? { dtype: FLOAT64, shape: [cols.rows, 1], data: c }
        : { dtype: OBJECT_DTYPE, shape: [cols.rows, 1], data: [...c] },
  );
  const allNumbers = cols.columns.every(
    (c) => c instanceof Float64Array || c.every((v) => typeof v === "number" || v === null),
  );
  if (allNumbers) return matrixToArray(columnsMatrix(cols, "passthrough", true));
  return hstack(blocks, cols.rows);
}

registerFitted("FunctionTransformer", (obj) => {
  const s = new State(obj);
  const kw = s.opt("kw_args");
  if (kw instanceof Map && kw.size > 0) {
    throw new UnsupportedEstimatorError("FunctionTransformer with kw_args is not supported");
  }
  const func = s.opt("func");
  // validate=False: FunctionTransformer.transform hands X to check_array as it came
  if (isCheckArrayPartial(func)) return inputEstimator(obj, s, checkArrayTransform(func as PyObject));
  const f = func === undefined ? undefined : elementwise(func, "FunctionTransformer.func");
  // validate=True runs check_array first (feature count, numbers, no NaN or inf); validate=False hands X
  // to func as it came, whatever its width
  const validate = s.opt("validate") === true;
  return inputEstimator(obj, s, (X, opts) => {
    if (validate) {
      const m = inputMatrix(X, opts);
      return matrixToArray(f === undefined ? m : mapCells(m, (x) => f(x)));
    }
    const cols = inputColumns(X, { estimator: opts.estimator, featureNames: opts.featureNames });
    if (f === undefined) return identityTransform(tableOf(cols));
    return matrixToArray(mapCells(columnsMatrix(cols, "FunctionTransformer", true), (x) => f(x)));
  });
});

function tableOf(cols: Columns): Table {
  return {
    kind: "table",
    rows: cols.rows,
    columns: cols.columns.map((values, j) => ({ name: cols.names?.[j] ?? `x${j}`, values })),
  };
}
