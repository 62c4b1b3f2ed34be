import type { NDArray, PyObject } from "../../pickle/values.js";
import { EstimatorStateError, isNDArray, State, toFloat64, toInt32 } from "../common/index.js";
import { registerClass } from "../estimator.js";
import {
  type KernelRows,
  type LinkedTree,
  packTrees,
  type StepPack,
  treeLeaves,
} from "../tree/walk_kernel.js";

let leaves = new Int32Array(0);

/** Where a tree's leaves for the rows go: one buffer for every tree and call (a thread runs one at a time). */
function leafScratch(rows: number): Int32Array {
  if (leaves.length < rows) leaves = new Int32Array(rows);
  return leaves;
}

/**
 * HistGradientBoosting's `TreePredictor`, flattened at load. Its `nodes` array has a 13-field structured
 * dtype (value, count, feature_idx, num_threshold, missing_go_to_left, left, right, gain, depth, is_leaf,
 * bin_threshold, is_categorical, bitset_idx), read by field name. Prediction runs on raw (not binned)
 * features in float64, as scikit-learn's `_predict_from_raw_data` does.
 */
export class HistTree {
  readonly value: Float64Array;
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly missingGoLeft: Uint8Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly isLeaf: Uint8Array;
  readonly isCategorical: Uint8Array;
  readonly bitsetIdx: Int32Array;
  /** categories that go left, 8 × uint32 (256 bits) per categorical split */
  readonly leftCatBitsets: Uint32Array;
  /**
   * The highest feature a split reads (-1 for a lone leaf): the owner checks it against the width of what it
   * predicts on, so that a hostile file cannot send a walk outside a row.
   */
  readonly maxFeature: number;
  /**
   * Numerical trees only (no categorical split): the tree as the batch kernel takes it, 4 ints per node (left,
   * right, feature, the child NaN goes to; a leaf's children itself) beside the thresholds
   */
  readonly linked: LinkedTree | undefined;
  /** `linked` laid out for the batch kernel, at first use */
  private steps: StepPack | undefined;

  constructor(obj: PyObject) {
    const state = new State(obj);
    const nodes = state.array("nodes");
    const field = (name: string): NDArray => {
      const f = nodes.fields?.get(name);
      if (f === undefined) throw new EstimatorStateError(`TreePredictor.nodes has no field '${name}'`);
      return f;
    };
    const ints = (name: string) => toInt32(field(name), `TreePredictor.nodes.${name}`);
    this.value = toFloat64(field("value"), "TreePredictor.nodes.value");
    this.feature = ints("feature_idx");
    this.threshold = toFloat64(field("num_threshold"), "TreePredictor.nodes.num_threshold");
    this.missingGoLeft = Uint8Array.from(ints("missing_go_to_left"));
    this.left = ints("left");
    this.right = ints("right");
    this.isLeaf = Uint8Array.from(ints("is_leaf"));
    this.isCategorical = nodes.fields?.has("is_categorical")
      ? Uint8Array.from(ints("is_categorical"))
      : new Uint8Array(this.value.length);
    this.bitsetIdx = nodes.fields?.has("bitset_idx") ? ints("bitset_idx") : new Int32Array(this.value.length);
    const bits = state.opt("raw_left_cat_bitsets");
    this.leftCatBitsets = isNDArray(bits)
      ? Uint32Array.from(toFloat64(bits, "TreePredictor.raw_left_cat_bitsets"))
      : new Uint32Array(0);
    const n = this.value.length;
    let maxFeature = -1;
    for (let i = 0; i < n; i++) {
      if (this.isLeaf[i]) continue;
      const l = this.left[i];
      const r = this.right[i];
      if (l <= i || r <= i || l >= n || r >= n) {
        throw new EstimatorStateError(`TreePredictor node ${i} has children ${l}, ${r} outside the tree`);
      }
      const f = this.feature[i];
      if (f < 0) throw new EstimatorStateError(`TreePredictor node ${i} splits on feature ${f}`);
      if (f > maxFeature) maxFeature = f;
      if (this.isCategorical[i] && (this.bitsetIdx[i] + 1) * 8 > this.leftCatBitsets.length) {
        throw new EstimatorStateError(`TreePredictor node ${i} refers to a missing category bitset`);
      }
    }
    this.maxFeature = maxFeature;
    const numerical = this.isCategorical.every((c) => c === 0);
    if (!numerical) {
      this.linked = undefined;
      return;
    }
    const packed = new Int32Array(4 * n);
    for (let i = 0; i < n; i++) {
      const leaf = this.isLeaf[i] !== 0;
      packed[4 * i] = leaf ? i : this.left[i];
      packed[4 * i + 1] = leaf ? i : this.right[i];
      packed[4 * i + 2] = leaf ? 0 : this.feature[i];
      packed[4 * i + 3] = leaf ? i : this.missingGoLeft[i] ? this.left[i] : this.right[i];
    }
    this.linked = { packed, threshold: this.threshold };
  }

  /**
   * raw[i*K + k] += the leaf value of every row i of X (float64, row-major, `cols` wide): through the batch
   * kernel on `input` (X's rows there, withKernelRows) for a numerical tree, row by row (predictRow) for one
   * with categorical splits.
   */
  addValues(
    X: Float64Array,
    rows: number,
    cols: number,
    input: KernelRows,
    raw: Float64Array,
    K: number,
    k: number,
    known: Uint32Array,
    knownIdx: Int32Array,
  ): void {
    if (this.linked === undefined) {
      for (let i = 0; i < rows; i++) raw[i * K + k] += this.predictRow(X, i * cols, known, knownIdx);
      return;
    }
    this.steps ??= packTrees([this.linked]);
    const leaves = treeLeaves(this.steps, input, leafScratch(rows));
    for (let i = 0; i < rows; i++) raw[i * K + k] += this.value[leaves[i]];
  }

  /**
   * The leaf value for row `base` of X (float64). NaN, negative and unknown categories follow the
   * node's missing-value direction; `known` holds each categorical feature's known categories
   * (8 × uint32 per feature, at `knownIdx[feature]`).
   */
  predictRow(X: Float64Array, base: number, known: Uint32Array, knownIdx: Int32Array): number {
    const { feature, threshold, left, right, isLeaf, missingGoLeft, isCategorical } = this;
    let n = 0;
    while (isLeaf[n] === 0) {
      const v = X[base + feature[n]];
      if (Number.isNaN(v)) {
        n = missingGoLeft[n] ? left[n] : right[n];
      } else if (isCategorical[n] === 1) {
        const c = Math.trunc(v);
        if (v < 0 || c > 255) n = missingGoLeft[n] ? left[n] : right[n];
        else if (inBitset(this.leftCatBitsets, this.bitsetIdx[n], c)) n = left[n];
        else if (inBitset(known, knownIdx[feature[n]], c)) n = right[n];
        else n = missingGoLeft[n] ? left[n] : right[n];
      } else {
        n = v <= threshold[n] ? left[n] : right[n];
      }
    }
    return this.value[n];
  }
}

function inBitset(bitsets: Uint32Array, row: number, c: number): boolean {
  return ((bitsets[row * 8 + (c >>> 5)] >>> (c & 31)) & 1) === 1;
}

/**
 * The known categories of each categorical feature as bitsets, from the `_BinMapper` (its
 * `bin_thresholds_` hold a categorical feature's categories), as `make_known_categories_bitsets` builds them.
 */
export function knownCategoryBitsets(binMapper: unknown): { known: Uint32Array; knownIdx: Int32Array } {
  if (binMapper === null || typeof binMapper !== "object" || !("state" in binMapper)) {
    throw new EstimatorStateError("HistGradientBoosting._bin_mapper is missing");
  }
  const state = new State(binMapper as PyObject);
  const mask = state.opt("is_categorical_");
  if (!isNDArray(mask)) return { known: new Uint32Array(0), knownIdx: new Int32Array(0) };
  const isCat = toInt32(mask, "_BinMapper.is_categorical_");
  const thresholds = state.get("bin_thresholds_");
  if (!Array.isArray(thresholds)) throw state.typeError("bin_thresholds_", thresholds, "a list of arrays");
  const knownIdx = new Int32Array(isCat.length);
  const nCat = isCat.reduce((a, b) => a + (b ? 1 : 0), 0);
  const known = new Uint32Array(nCat * 8);
  let j = 0;
  isCat.forEach((cat, f) => {
    if (!cat) return;
    knownIdx[f] = j;
    for (const v of toFloat64(thresholds[f], `_BinMapper.bin_thresholds_[${f}]`)) {
      const c = Math.trunc(v);
      if (c >= 0 && c < 256) known[j * 8 + (c >>> 5)] |= 1 << (c & 31);
    }
    j++;
  });
  return { known, knownIdx };
}

registerClass("TreePredictor", (obj) => new HistTree(obj), { data: true });
registerClass("_BinMapper", (obj) => obj);
