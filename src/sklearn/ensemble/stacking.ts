import type { PyObject } from "../../pickle/values.js";
import {
  ClassLabels,
  EstimatorStateError,
  float64Array,
  type Matrix,
  type MatrixMethod,
  matrix,
  numericEstimator,
  State,
  toInt32,
} from "../common/index.js";
import { callFloat, matrixInput, memberEstimator, unfittedEstimator } from "../common/meta.js";
import { type Estimator, type Method, registerClass } from "../estimator.js";

/**
 * Stacking{Classifier,Regressor}: the members' outputs (by `stack_method_`; a binary classifier's
 * predict_proba keeps only its second column), then X itself when `passthrough`, feed `final_estimator_`.
 */

const STACK_METHODS = new Set<string>(["predict", "predict_proba", "decision_function"]);

function buildStacking(obj: PyObject): Estimator {
  const state = new State(obj);
  if (!state.has("final_estimator_")) return unfittedEstimator(obj);
  const list = state.get("estimators_");
  const stackMethods = state.get("stack_method_");
  if (!Array.isArray(list) || !Array.isArray(stackMethods) || list.length !== stackMethods.length) {
    throw new EstimatorStateError(`${state.owner}.estimators_ and stack_method_ do not match`);
  }
  const members: { est: Estimator; method: Method }[] = [];
  list.forEach((e, i) => {
    if (e === "drop") return;
    const method = stackMethods[i];
    if (typeof method !== "string" || !STACK_METHODS.has(method)) {
      throw new EstimatorStateError(`${state.owner}.stack_method_[${i}] is ${String(method)}`);
    }
    members.push({ est: memberEstimator(e, `${state.owner}.estimators_[${i}]`), method: method as Method });
  });
  const final = memberEstimator(state.get("final_estimator_"), `${state.owner}.final_estimator_`);
  const passthrough = state.opt("passthrough") === true;
  const classes = state.has("classes_") ? new ClassLabels(state.get("classes_"), state.owner) : undefined;
  const binary = classes?.length === 2;

  /** The meta-features: member outputs side by side, then X when passthrough. */
  const transform = (X: Matrix): Matrix => {
    const blocks: { data: Float64Array; cols: number; from: number }[] = [];
    for (const { est, method } of members) {
      const out = callFloat(est, method, matrixInput(X));
      const cols = out.shape.length === 1 ? 1 : out.shape[1];
      const dropFirst = method === "predict_proba" && binary;
      blocks.push({ data: out.data, cols, from: dropFirst ? 1 : 0 });
    }
    if (passthrough) blocks.push({ data: X.data, cols: X.cols, from: 0 });
    const width = blocks.reduce((s, b) => s + b.cols - b.from, 0);
    const out = matrix(X.rows, width);
    for (let i = 0; i < X.rows; i++) {
      let j = 0;
      for (const b of blocks) {
        for (let c = b.from; c < b.cols; c++) out.data[i * width + j++] = b.data[i * b.cols + c];
      }
    }
    return out;
  };
  const onFinal = (method: Method, X: Matrix) => final.call(method, matrixInput(transform(X)));

  const methods: Partial<Record<string, MatrixMethod>> = {
    transform: (X) => {
      const t = transform(X);
      return float64Array(t.data, [t.rows, t.cols]);
    },
    predict: (X) => {
      const out = onFinal("predict", X);
      if (classes === undefined) return out;
      // the final estimator was fitted on encoded labels
      return classes.take(toInt32(out, `${state.owner}.final_estimator_.predict`));
    },
  };
  if (classes !== undefined) {
    for (const m of ["predict_proba", "decision_function"] as const) {
      if (final.methods.has(m)) methods[m] = (X) => onFinal(m, X);
    }
  }
  return numericEstimator(obj, state, { methods });
}

registerClass("StackingClassifier", buildStacking);
registerClass("StackingRegressor", buildStacking);
