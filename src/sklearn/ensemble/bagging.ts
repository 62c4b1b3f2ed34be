import type { PyObject } from "../../pickle/values.js";
import {
  ClassLabels,
  EstimatorStateError,
  float64Array,
  type Matrix,
  type MatrixMethod,
  matrix,
  numericEstimator,
  rowArgmax,
  State,
  toInt32,
} from "../common/index.js";
import { callFloat, logaddexp, matrixInput, memberEstimator, unfittedEstimator } from "../common/meta.js";
import { type Estimator, type Method, registerClass } from "../estimator.js";
import { onRows, treeModelOf } from "../tree/classes.js";
import type { TreeModel } from "../tree/model.js";
import type { KernelRows } from "../tree/walk_kernel.js";

/**
 * Bagging{Classifier,Regressor}: every member sees its own columns (`estimators_features_`, from
 * max_features / bootstrap_features) and, for classifiers, possibly only some of the classes. Tree
 * members are walked directly on the full input (their split features renumbered once at load).
 */

export interface BagMember {
  readonly est: Estimator;
  /** the input columns this member was fitted on */
  readonly features: Int32Array;
  /** a tree member, with features already mapped to the full input's columns */
  readonly tree: TreeModel | undefined;
}

export function bagMembers(state: State): BagMember[] {
  const list = state.get("estimators_");
  const feats = state.get("estimators_features_");
  if (!Array.isArray(list) || !Array.isArray(feats) || list.length !== feats.length || list.length === 0) {
    throw new EstimatorStateError(`${state.owner}.estimators_ and estimators_features_ do not match`);
  }
  return list.map((e, i) => {
    const est = memberEstimator(e, `${state.owner}.estimators_[${i}]`);
    const features = toInt32(feats[i], `${state.owner}.estimators_features_[${i}]`);
    return { est, features, tree: treeModelOf(est)?.withFeatureMap(features) };
  });
}

/** X[:, features] */
export function selectColumns(X: Matrix, features: Int32Array): Matrix {
  const out = matrix(X.rows, features.length);
  for (let i = 0; i < X.rows; i++) {
    for (let j = 0; j < features.length; j++)
      out.data[i * features.length + j] = X.data[i * X.cols + features[j]];
  }
  return out;
}

/** Which of the ensemble's classes each column of a member's proba is (members fitted on encoded labels). */
function memberClasses(m: BagMember, nClasses: number): Int32Array {
  const c = m.tree?.classes[0];
  return c === undefined ? Int32Array.from({ length: nClasses }, (_, k) => k) : toInt32(c, "member classes_");
}

function buildClassifier(obj: PyObject): Estimator {
  const state = new State(obj);
  if (!state.has("estimators_")) return unfittedEstimator(obj);
  const bag = bagMembers(state);
  const classes = new ClassLabels(state.get("classes_"), state.owner);
  const C = classes.length;
  const n = bag.length;
  const maps = bag.map((m) => memberClasses(m, C));

  /** The member's probabilities (rows × its classes), or its log-probabilities. */
  const memberOutput = (m: BagMember, X: Matrix, input: KernelRows, method: Method): Float64Array => {
    if (m.tree !== undefined) {
      const p = new Float64Array(X.rows * m.tree.probaWidth);
      m.tree.addProba(input, p);
      return method === "predict_log_proba" ? p.map(Math.log) : p;
    }
    return callFloat(m.est, method, matrixInput(selectColumns(X, m.features))).data;
  };

  const proba = (X: Matrix): Float64Array => onRows(X, (input) => probaOn(X, input));
  const probaOn = (X: Matrix, input: KernelRows): Float64Array => {
    const out = new Float64Array(X.rows * C);
    bag.forEach((m, b) => {
      const map = maps[b];
      if (m.tree === undefined && !m.est.methods.has("predict_proba")) {
        // members without predict_proba vote with their predicted (encoded) class
        const pred = callFloat(m.est, "predict", matrixInput(selectColumns(X, m.features))).data;
        for (let i = 0; i < X.rows; i++) out[i * C + pred[i]] += 1;
        return;
      }
      const p = memberOutput(m, X, input, "predict_proba");
      const w = map.length;
      for (let i = 0; i < X.rows; i++) for (let k = 0; k < w; k++) out[i * C + map[k]] += p[i * w + k];
    });
    for (let i = 0; i < out.length; i++) out[i] /= n;
    return out;
  };

  const logProba = (X: Matrix): Float64Array => {
    if (!bag.every((m) => m.tree !== undefined || m.est.methods.has("predict_log_proba"))) {
      return proba(X).map(Math.log);
    }
    const out = new Float64Array(X.rows * C).fill(Number.NEGATIVE_INFINITY);
    onRows(X, (input) =>
      bag.forEach((m, b) => {
        const map = maps[b];
        const lp = memberOutput(m, X, input, "predict_log_proba");
        const w = map.length;
        for (let i = 0; i < X.rows; i++) {
          for (let k = 0; k < w; k++) out[i * C + map[k]] = logaddexp(out[i * C + map[k]], lp[i * w + k]);
        }
      }),
    );
    const logN = Math.log(n);
    for (let i = 0; i < out.length; i++) out[i] -= logN;
    return out;
  };

  const methods: Partial<Record<string, MatrixMethod>> = {
    predict: (X) => classes.take(rowArgmax(matrix(X.rows, C, proba(X)))),
    predict_proba: (X) => float64Array(proba(X), [X.rows, C]),
    predict_log_proba: (X) => float64Array(logProba(X), [X.rows, C]),
  };
  if (bag.every((m) => m.est.methods.has("decision_function"))) {
    methods.decision_function = (X) => {
      let sum: Float64Array | undefined;
      let shape: readonly number[] = [X.rows];
      for (const m of bag) {
        const d = callFloat(m.est, "decision_function", matrixInput(selectColumns(X, m.features)));
        shape = d.shape;
        if (sum === undefined) sum = Float64Array.from(d.data);
        else for (let i = 0; i < sum.length; i++) sum[i] += d.data[i];
      }
      return float64Array(
        (sum as Float64Array).map((v) => v / n),
        shape,
      );
    };
  }
  return numericEstimator(obj, state, { methods });
}

function buildRegressor(obj: PyObject): Estimator {
  const state = new State(obj);
  if (!state.has("estimators_")) return unfittedEstimator(obj);
  const bag = bagMembers(state);
  const predict: MatrixMethod = (X) => {
    const out = new Float64Array(X.rows);
    onRows(X, (input) => {
      for (const m of bag) {
        if (m.tree !== undefined) m.tree.addValue(input, out);
        else {
          const p = callFloat(m.est, "predict", matrixInput(selectColumns(X, m.features))).data;
          for (let i = 0; i < X.rows; i++) out[i] += p[i];
        }
      }
    });
    for (let i = 0; i < out.length; i++) out[i] /= bag.length;
    return float64Array(out);
  };
  return numericEstimator(obj, state, { methods: { predict } });
}

registerClass("BaggingClassifier", buildClassifier);
registerClass("BaggingRegressor", buildRegressor);
