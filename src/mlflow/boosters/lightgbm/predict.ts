import type { NDArray } from "../../../pickle/values.js";
import { float64Array } from "../../../sklearn/common/ndarray.js";
import type { FeatureRows } from "../features.js";
import type { LgbModel, LgbTree } from "./model.js";
import type { LgbObjective } from "./objectives.js";

/**
 * LightGBM's prediction (GBDT::PredictRaw, GBDT::Predict, Tree::Predict) in TypeScript, in double as
 * LightGBM sums it: each iteration's trees in order, one per class.
 */

/** LightGBM's kZeroThreshold: values this close to 0 are zero (dropped from the sparse row it builds). */
const ZERO = 1e-35;

/** decision_type bits 2-3: the missing type (0 None: NaN reads as 0; 1 Zero; 2 NaN) */
const MISSING_ZERO = 1;
const MISSING_NAN = 2;

function inCategorySet(tree: LgbTree, set: number, category: number): boolean {
  const begin = tree.catBoundaries[set];
  const word = Math.floor(category / 32);
  if (word >= tree.catBoundaries[set + 1] - begin) return false;
  return ((tree.catThreshold[begin + word] >>> (category % 32)) & 1) === 1;
}

function nextNode(tree: LgbTree, node: number, value: number): number {
  const decision = tree.decisionType[node];
  if (decision & 1) {
    // categorical: NaN and negative categories go right, a category in the node's set goes left
    if (Number.isNaN(value)) return tree.right[node];
    const category = Math.trunc(value);
    if (category < 0) return tree.right[node];
    return inCategorySet(tree, tree.threshold[node], category) ? tree.left[node] : tree.right[node];
  }
  const missing = (decision >> 2) & 3;
  if (Number.isNaN(value) && missing !== MISSING_NAN) value = 0;
  if (
    (missing === MISSING_ZERO && value >= -ZERO && value <= ZERO) ||
    (missing === MISSING_NAN && Number.isNaN(value))
  ) {
    return decision & 2 ? tree.left[node] : tree.right[node];
  }
  return value <= tree.threshold[node] ? tree.left[node] : tree.right[node];
}

function leafOf(tree: LgbTree, row: Float64Array): number {
  if (tree.numLeaves === 1) return 0;
  let node = 0;
  while (node >= 0) node = nextNode(tree, node, row[tree.feature[node]]);
  return ~node;
}

function treeOutput(tree: LgbTree, row: Float64Array): number {
  const leaf = leafOf(tree, row);
  if (tree.linear === null) return tree.leafValue[leaf];
  const features = tree.linear.features[leaf];
  const coefficients = tree.linear.coefficients[leaf];
  let output = tree.linear.constant[leaf];
  for (let k = 0; k < features.length; k++) {
    const value = row[features[k]];
    // a missing input voids the leaf's linear model: LightGBM falls back to the plain leaf value
    if (Number.isNaN(value)) return tree.leafValue[leaf];
    output += coefficients[k] * value;
  }
  return output;
}

/** How many iterations a prediction uses: `limit` when in (0, all), else all of them (LightGBM's num_iteration). */
function iterationCount(model: LgbModel, limit: number): number {
  const all = model.trees.length / model.treesPerIteration;
  return limit > 0 && limit < all ? limit : all;
}

/** The raw scores of the first `iterations` iterations (0: all), rows × trees-per-iteration in C order. */
export function predictRaw(model: LgbModel, x: FeatureRows, iterations = 0): Float64Array {
  const k = model.treesPerIteration;
  const trees = iterationCount(model, iterations) * k;
  const out = new Float64Array(x.rows * k);
  const row = new Float64Array(x.cols);
  for (let i = 0; i < x.rows; i++) {
    for (let j = 0; j < x.cols; j++) {
      const v = x.data[i * x.cols + j];
      row[j] = Math.abs(v) <= ZERO ? 0 : v;
    }
    for (let t = 0; t < trees; t++) out[i * k + (t % k)] += treeOutput(model.trees[t], row);
  }
  return out;
}

/**
 * What Booster.predict answers: float64, one column per class when there are several. A random forest's
 * prediction is the mean of its iterations, but its raw score (raw_score=True) is their sum, as LightGBM
 * averages in GBDT::Predict only.
 */
export function predictValues(
  model: LgbModel,
  objective: LgbObjective,
  x: FeatureRows,
  raw: boolean,
  iterations = 0,
): NDArray {
  const k = model.treesPerIteration;
  const out = predictRaw(model, x, iterations);
  if (!raw) {
    const used = iterationCount(model, iterations);
    if (model.averageOutput && used > 0) for (let i = 0; i < out.length; i++) out[i] /= used;
    if (objective.kind === "rows") {
      for (let i = 0; i < x.rows; i++) objective.convert(out.subarray(i * k, (i + 1) * k));
    } else {
      objective.convert(out);
    }
  }
  return float64Array(out, k === 1 ? [x.rows] : [x.rows, k]);
}
