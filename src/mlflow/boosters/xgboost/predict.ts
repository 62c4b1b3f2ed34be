import type { NDArray } from "../../../pickle/values.js";
import { FLOAT32 } from "../../../sklearn/common/dtypes.js";
import { argmax } from "../argmax.js";
import type { FeatureRows } from "../features.js";
import type { XgbModel, XgbTree } from "./model.js";
import { softmaxInPlace, type XgbObjective } from "./objectives.js";

/**
 * xgboost's CPU prediction in TypeScript. xgboost reads features and sums tree outputs in float32, so
 * every step rounds to float32 (Math.fround) in the library's order: base margin, then each tree of the
 * iteration range in turn (times its dart weight).
 */

const f32 = Math.fround;

/** Categories beyond 2^24 cannot be told apart in float32; xgboost sends them (and negatives) left. */
const MAX_CATEGORY = 2 ** 24;

function leafValue(tree: XgbTree, x: Float64Array, offset: number): number {
  const { left, right, feature, condition, defaultLeft, categories } = tree;
  let node = 0;
  while (left[node] !== -1) {
    const value = f32(x[offset + feature[node]]);
    const cats = categories?.[node];
    if (Number.isNaN(value)) {
      node = defaultLeft[node] ? left[node] : right[node];
    } else if (cats) {
      // the listed categories go right; others, unseen or invalid ones go left
      const invalid = value < 0 || value >= MAX_CATEGORY;
      node = !invalid && cats.includes(Math.trunc(value)) ? right[node] : left[node];
    } else {
      node = value < condition[node] ? left[node] : right[node];
    }
  }
  return condition[node];
}

/** [begin, end) in boosting rounds; end 0 means "to the last round", as xgboost's iteration_range. */
export type IterationRange = readonly [number, number];

/**
 * gblinear's margins: per group, bias + base margin, then each present feature times its weight
 * (a missing feature is skipped, as xgboost's sparse rows leave it out).
 */
function linearMargin(
  model: XgbModel,
  weights: Float32Array,
  base: Float32Array,
  x: FeatureRows,
): Float32Array {
  const groups = model.numGroup;
  const out = new Float32Array(x.rows * groups);
  const bias = model.numFeature * groups;
  for (let i = 0; i < x.rows; i++) {
    for (let g = 0; g < groups; g++) {
      let sum = f32(weights[bias + g] + base[g]);
      for (let f = 0; f < model.numFeature; f++) {
        const value = f32(x.data[i * x.cols + f]);
        if (!Number.isNaN(value)) sum = f32(sum + f32(value * weights[f * groups + g]));
      }
      out[i * groups + g] = sum;
    }
  }
  return out;
}

/** The raw margins, rows × groups in C order; a linear booster ignores the iteration range, as xgboost. */
export function predictMargin(
  model: XgbModel,
  objective: XgbObjective,
  x: FeatureRows,
  range: IterationRange,
): Float32Array {
  const groups = model.numGroup;
  const rounds = model.iterationIndptr.length - 1;
  const end = range[1] === 0 ? rounds : Math.min(range[1], rounds);
  const firstTree = model.iterationIndptr[Math.min(range[0], rounds)];
  const lastTree = model.iterationIndptr[end];
  const base = model.baseScore.map(objective.baseToMargin);
  if (model.linearWeights !== null) return linearMargin(model, model.linearWeights, base, x);
  const out = new Float32Array(x.rows * groups);
  for (let i = 0; i < x.rows; i++) out.set(base, i * groups);
  for (let t = firstTree; t < lastTree; t++) {
    const tree = model.trees[t];
    const group = model.treeGroup[t];
    const weight = model.treeWeight === null ? 1 : model.treeWeight[t];
    for (let i = 0; i < x.rows; i++) {
      const at = i * groups + group;
      out[at] = out[at] + f32(leafValue(tree, x.data, i * x.cols) * weight);
    }
  }
  return out;
}

function shaped(data: Float32Array, rows: number, groups: number): NDArray {
  return { dtype: FLOAT32, shape: groups === 1 ? [rows] : [rows, groups], data };
}

export function marginArray(model: XgbModel, margin: Float32Array, rows: number): NDArray {
  return shaped(margin, rows, model.numGroup);
}

/** What Booster.predict answers: transformed margins (probabilities, class indices, responses) as float32. */
export function transformMargin(
  model: XgbModel,
  objective: XgbObjective,
  margin: Float32Array,
  rows: number,
): NDArray {
  const groups = model.numGroup;
  if (objective.kind === "softmax") {
    const classes = new Float32Array(rows);
    for (let i = 0; i < rows; i++) classes[i] = argmax(margin.subarray(i * groups, (i + 1) * groups));
    return shaped(classes, rows, 1);
  }
  const out = margin.slice();
  if (objective.kind === "softprob") {
    for (let i = 0; i < rows; i++) softmaxInPlace(out.subarray(i * groups, (i + 1) * groups));
  } else {
    for (let i = 0; i < out.length; i++) out[i] = objective.transform(out[i]);
  }
  return shaped(out, rows, groups);
}
