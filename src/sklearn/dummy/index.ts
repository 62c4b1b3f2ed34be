import type { DType, NDArray, PyObject } from "../../pickle/values.js";
import { castFloat64 } from "../common/dtype_param.js";
import {
  argmax,
  ClassLabels,
  FLOAT64,
  float64Array,
  INT64,
  InvalidInputError,
  State,
  toFloat64,
  UnsupportedEstimatorError,
} from "../common/index.js";
import { unfittedEstimator } from "../common/meta.js";
import { type Estimator, type Input, type Method, registerClass } from "../estimator.js";

/**
 * DummyClassifier and DummyRegressor: predictions that ignore the features (they are the default `init`
 * of gradient boosting). Like scikit-learn, they only count the input's rows.
 */

function rowCount(X: Input): number {
  const rows = "kind" in X && X.kind === "table" ? X.rows : (X as NDArray).shape[0];
  if (rows === undefined || rows < 1)
    throw new InvalidInputError("a dummy estimator needs at least one input row");
  return rows;
}

function dummyEstimator(
  obj: PyObject,
  state: State,
  methods: Partial<Record<Method, (rows: number) => NDArray>>,
) {
  const names = new Set(Object.keys(methods) as Method[]);
  const est: Estimator = {
    cls: obj.cls,
    methods: names,
    nFeaturesIn: state.has("n_features_in_") ? state.number("n_features_in_") : undefined,
    call(method, X) {
      const fn = methods[method];
      if (fn === undefined) {
        throw new InvalidInputError(
          `${state.owner} has no method ${method}; it supports: ${[...names].join(", ")}`,
        );
      }
      return fn(rowCount(X));
    },
  };
  return est;
}

/**
 * `np.tile(label, n)`: a string label gets a dtype just as wide as itself; a label taken from an object
 * `classes_` is a Python scalar, which numpy gives its default dtype; otherwise the dtype of `classes_`.
 */
function tiledLabel(label: unknown, classes: ClassLabels, index: number, rows: number): NDArray {
  const fill = (dtype: DType): NDArray => ({
    dtype,
    shape: [rows],
    data: new Array<unknown>(rows).fill(label),
  });
  if (typeof label === "string") {
    const n = [...label].length;
    return fill({ kind: "U", itemsize: 4 * n, byteorder: "<", str: `<U${n}` });
  }
  if (label instanceof Uint8Array)
    return fill({ kind: "S", itemsize: label.length, byteorder: "|", str: `|S${label.length}` });
  if (index < 0)
    throw new UnsupportedEstimatorError(`DummyClassifier's constant ${String(label)} is not a class`);
  if (classes.array.dtype.kind === "O") {
    if (typeof label === "number" && Number.isInteger(label))
      return castFloat64(new Float64Array(rows).fill(label), INT64, [rows]);
    if (typeof label === "number") return castFloat64(new Float64Array(rows).fill(label), FLOAT64, [rows]);
  }
  return classes.take(new Int32Array(rows).fill(index));
}

function buildClassifier(obj: PyObject): Estimator {
  const state = new State(obj);
  if (!state.has("classes_")) return unfittedEstimator(obj);
  if (state.number("n_outputs_") !== 1) {
    throw new UnsupportedEstimatorError("DummyClassifier with several outputs is not supported");
  }
  const strategy = state.stringOr("_strategy", state.string("strategy"));
  const classes = new ClassLabels(state.get("classes_"), state.owner);
  const prior = state.f64("class_prior_");
  const nClasses = classes.length;
  const values = classes.values();
  let row: Float64Array;
  let label: unknown;
  let index = -1;
  switch (strategy) {
    case "prior":
    case "most_frequent": {
      const best = argmax(prior);
      label = values[best];
      index = best;
      row = strategy === "prior" ? Float64Array.from(prior) : new Float64Array(nClasses);
      if (strategy === "most_frequent") row[best] = 1;
      break;
    }
    case "constant": {
      const c = state.get("constant");
      label = Array.isArray(c) ? c[0] : c;
      row = new Float64Array(nClasses);
      values.forEach((v, k) => {
        if (String(v) === String(label)) {
          row[k] = 1;
          index = k;
        }
      });
      break;
    }
    case "uniform":
      row = new Float64Array(nClasses).fill(1 / nClasses);
      break;
    default:
      throw new UnsupportedEstimatorError(
        `DummyClassifier(strategy="${strategy}") predicts at random: not supported`,
      );
  }
  const proba = (rows: number) => {
    const out = new Float64Array(rows * nClasses);
    for (let i = 0; i < rows; i++) out.set(row, i * nClasses);
    return out;
  };
  const methods: Partial<Record<Method, (rows: number) => NDArray>> = {
    predict_proba: (rows) => float64Array(proba(rows), [rows, nClasses]),
    predict_log_proba: (rows) => float64Array(proba(rows).map(Math.log), [rows, nClasses]),
  };
  if (strategy !== "uniform") methods.predict = (rows) => tiledLabel(label, classes, index, rows);
  return dummyEstimator(obj, state, methods);
}

function buildRegressor(obj: PyObject): Estimator {
  const state = new State(obj);
  if (!state.has("constant_")) return unfittedEstimator(obj);
  const constant = state.array("constant_");
  const values = toFloat64(constant, "DummyRegressor.constant_");
  const nOut = state.number("n_outputs_");
  return dummyEstimator(obj, state, {
    // np.full(..., constant_, dtype=constant_.dtype): float32 targets give float32, an int constant int64
    predict: (rows) => {
      const out = new Float64Array(rows * nOut);
      for (let i = 0; i < rows; i++) out.set(values.subarray(0, nOut), i * nOut);
      return castFloat64(out, constant.dtype, nOut === 1 ? [rows] : [rows, nOut]);
    },
  });
}

registerClass("DummyClassifier", buildClassifier);
registerClass("DummyRegressor", buildRegressor);
