import type { NDArray } from "../../pickle/values.js";
import {
  EstimatorStateError,
  isNDArray,
  State,
  toFloat64,
  UnsupportedEstimatorError,
} from "../common/index.js";
import { pickledFormOf } from "../estimator.js";

/**
 * The feature importances SelectFromModel ranks by, read from the wrapped model's pickled fitted state:
 * `coef_` for linear models (|coef| or its norm across classes), `feature_importances_` for trees and
 * forests (recomputed from the tree nodes as scikit-learn's property does).
 */

function field(nodes: NDArray, name: string): Float64Array {
  const f = nodes.fields?.get(name);
  if (f === undefined) throw new EstimatorStateError(`tree nodes have no field '${name}'`);
  return toFloat64(f, `Tree.nodes.${name}`);
}

/** `Tree.compute_feature_importances(normalize=True)` */
function treeImportances(treeObj: unknown, nFeatures: number): Float64Array {
  const form = pickledFormOf(treeObj) ?? treeObj;
  const s = new State(form as never);
  const nodes = s.array("nodes");
  const left = field(nodes, "left_child");
  const right = field(nodes, "right_child");
  const feature = field(nodes, "feature");
  const impurity = field(nodes, "impurity");
  const w = field(nodes, "weighted_n_node_samples");
  const imp = new Float64Array(nFeatures);
  for (let n = 0; n < left.length; n++) {
    if (left[n] === -1) continue;
    const l = left[n];
    const r = right[n];
    imp[feature[n]] += w[n] * impurity[n] - w[l] * impurity[l] - w[r] * impurity[r];
  }
  let total = 0;
  for (let j = 0; j < nFeatures; j++) {
    imp[j] /= w[0];
    total += imp[j];
  }
  if (total > 0) for (let j = 0; j < nFeatures; j++) imp[j] /= total;
  return imp;
}

function stateOf(model: unknown, what: string): State {
  const form = pickledFormOf(model);
  if (form === undefined) throw new EstimatorStateError(`${what} is not a fitted scikit-learn estimator`);
  return new State(form);
}

function forestImportances(s: State, nFeatures: number): Float64Array {
  const trees = s.get("estimators_");
  if (!Array.isArray(trees)) throw new EstimatorStateError(`${s.owner}.estimators_ must be a list`);
  const sum = new Float64Array(nFeatures);
  let count = 0;
  for (const t of trees) {
    const ts = stateOf(t, `${s.owner}.estimators_[]`);
    const treeForm = pickledFormOf(ts.get("tree_")) ?? ts.get("tree_");
    const nodeCount = new State(treeForm as never).number("node_count");
    if (nodeCount <= 1) continue;
    const imp = treeImportances(ts.get("tree_"), nFeatures);
    for (let j = 0; j < nFeatures; j++) sum[j] += imp[j];
    count++;
  }
  if (count === 0) return sum;
  let total = 0;
  for (let j = 0; j < nFeatures; j++) {
    sum[j] /= count;
    total += sum[j];
  }
  for (let j = 0; j < nFeatures; j++) sum[j] /= total;
  return sum;
}

export interface ModelImportances {
  readonly values: Float64Array;
  /** scikit-learn's default threshold for this model: 1e-5 for l1-penalised models, the mean otherwise */
  readonly l1: boolean;
}

export function modelImportances(model: unknown, nFeatures: number, normOrder: number): ModelImportances {
  const s = stateOf(model, "SelectFromModel.estimator_");
  const l1 = (s.has("penalty") && s.opt("penalty") === "l1") || s.owner.includes("Lasso");
  if (s.has("coef_")) {
    const coef = s.array("coef_");
    const c = toFloat64(coef, `${s.owner}.coef_`);
    if (coef.shape.length === 1 || coef.shape[0] === 1) return { values: c.map(Math.abs), l1 };
    const [k, n] = coef.shape;
    const out = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let r = 0; r < k; r++) {
        const a = Math.abs(c[r * n + j]);
        if (normOrder === 1) acc += a;
        else if (normOrder === 2) acc += a * a;
        else if (normOrder === Number.POSITIVE_INFINITY) acc = Math.max(acc, a);
        else acc += a ** normOrder;
      }
      out[j] =
        normOrder === 1 || normOrder === Number.POSITIVE_INFINITY
          ? acc
          : normOrder === 2
            ? Math.sqrt(acc)
            : acc ** (1 / normOrder);
    }
    return { values: out, l1 };
  }
  if (s.has("tree_")) return { values: treeImportances(s.get("tree_"), nFeatures), l1 };
  if (s.has("estimators_") && Array.isArray(s.get("estimators_")))
    return { values: forestImportances(s, nFeatures), l1 };
  if (s.has("feature_importances_") && isNDArray(s.get("feature_importances_"))) {
    return { values: s.f64("feature_importances_"), l1 };
  }
  throw new UnsupportedEstimatorError(
    `SelectFromModel wraps ${s.owner}, which has neither coef_ nor tree-based feature importances`,
  );
}
